# dataclasses, namedtuple, enum and typing generate code at run time.
import collections, dataclasses, enum, typing


@dataclasses.dataclass(frozen=True, order=True)
class Point:
    x: int
    y: "int" = 0


Pair = collections.namedtuple("Pair", "left right")
Colour = enum.Enum("Colour", "RED GREEN BLUE")


class Shape(typing.NamedTuple):
    sides: int
    name: typing.Optional[str] = None


class Config(typing.TypedDict):
    path: str


assert Point(1) < Point(2) and Pair(1, 2).right == 2 and Colour.RED.value == 1
assert typing.get_type_hints(Point)["y"] is int and Shape(3).sides == 3
