# Data models from attrs and pydantic: validation, conversion, defaults,
# serialisation to dicts and JSON, and validation errors reported; written,
# as libraries that support both are, for pydantic 1 and 2.
import datetime, json

import attr
import pydantic

PYDANTIC_2 = int(pydantic.VERSION.split(".")[0]) >= 2
field_validator = pydantic.field_validator if PYDANTIC_2 else pydantic.validator


@attr.define
class Host:
    name: str = attr.field(validator=attr.validators.instance_of(str))
    port: int = attr.field(default=22, converter=int)
    tags: list = attr.field(factory=list)


@attr.frozen(order=True)
class Version:
    major: int
    minor: int = 0


class Address(pydantic.BaseModel):
    city: str
    postcode: str = pydantic.Field(**{"pattern" if PYDANTIC_2 else "regex": r"^\d{5}$"})


class User(pydantic.BaseModel):
    id: int
    name: str
    signup: datetime.date
    email: pydantic.EmailStr if False else str
    addresses: list[Address] = []

    @field_validator("name")
    @classmethod
    def name_not_blank(cls, value):
        if not value.strip():
            raise ValueError("blank")
        return value.title()


host = Host("web1", port="8022")
assert host.port == 8022 and attr.asdict(host) == {"name": "web1", "port": 8022, "tags": []}
assert sorted([Version(2), Version(1, 5)])[0] == Version(1, 5)
assert attr.evolve(host, port=23).port == 23
user = (User.model_validate if PYDANTIC_2 else User.parse_obj)({"id": "7", "name": "ada lovelace", "signup": "2024-02-29", "email": "ada@example.org",
                       "addresses": [{"city": "London", "postcode": "12345"}]})
assert user.id == 7 and user.name == "Ada Lovelace" and user.signup.day == 29
assert json.loads(user.model_dump_json() if PYDANTIC_2 else user.json())["addresses"][0]["city"] == "London"
try:
    User(id="x", name=" ", signup="never", email="e")
except pydantic.ValidationError as error:
    assert {entry["loc"][0] for entry in error.errors()} == {"id", "name", "signup"}
else:
    raise AssertionError("validation passed")
assert "properties" in (User.model_json_schema() if PYDANTIC_2 else User.schema())
