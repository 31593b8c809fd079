# pickle of ordinary objects, as caches, queues and checkpoints use it:
# dataclasses, Enum and IntFlag members, datetimes, Decimals, sets,
# defaultdicts, partials, an object with __getstate__, in every protocol,
# through files, shelve and copy.deepcopy.
import collections, copy, dataclasses, datetime, decimal, enum, fractions, functools, os, pathlib, pickle, shelve, \
    uuid


class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


class Permission(enum.IntFlag):
    READ = 4
    WRITE = 2


@dataclasses.dataclass
class Job:
    name: str
    colour: Colour
    permissions: Permission
    when: datetime.datetime
    tags: set = dataclasses.field(default_factory=set)


class Connection:
    def __init__(self, address):
        self.address, self.socket = address, object()

    def __getstate__(self):
        return {"address": self.address}

    def __setstate__(self, state):
        self.address, self.socket = state["address"], None


value = {
    "job": Job("backup", Colour.RED, Permission.READ | Permission.WRITE,
               datetime.datetime(2024, 1, 2, 3, 4, tzinfo=datetime.timezone.utc), {"nightly"}),
    "colours": list(Colour), "price": decimal.Decimal("9.99"), "ratio": fractions.Fraction(1, 3),
    "counts": collections.Counter("mississippi"), "tree": collections.defaultdict(list, {"a": [1]}),
    "key": functools.partial(int, base=16), "id": uuid.UUID(int=7), "path": pathlib.PurePosixPath("/srv/data"),
    "ordered": collections.OrderedDict(b=1, a=2), "connection": Connection("db:5432"), "span": range(3, 9, 2),
    "frozen": frozenset({1, 2}), "bytes": bytearray(b"xy"), "delta": datetime.timedelta(days=1), "none": None,
}
for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
    back = pickle.loads(pickle.dumps(value, protocol=protocol))
    assert back["job"] == value["job"] and back["colours"] == [Colour.RED, Colour.GREEN]
    assert back["job"].colour is Colour.RED and back["key"]("ff") == 255 and back["connection"].socket is None
path = os.path.join(os.environ["BENIGN_WORKDIR"], "cache.pickle")
with open(path, "wb") as out:
    pickle.dump(value, out)
with open(path, "rb") as back:
    assert pickle.load(back)["counts"]["s"] == 4
with shelve.open(os.path.join(os.environ["BENIGN_WORKDIR"], "shelf")) as shelf:
    shelf["job"] = value["job"]
    assert shelf["job"].permissions == Permission.READ | Permission.WRITE
assert copy.deepcopy(value)["job"].colour is Colour.RED
