# PyYAML reading and writing configuration, with the C loader and the pure
# Python one, plus a multi-document stream.
import os

import yaml

text = """
server:
  host: 127.0.0.1
  ports: [8080, 8443]
  tls: {enabled: true, cert: /etc/ssl/certs/site.pem}
users:
  - {name: ada, groups: [admin, dev]}
  - {name: bob, groups: [dev]}
timeout: 2.5
"""
config = yaml.safe_load(text)
assert config["server"]["ports"] == [8080, 8443] and config["users"][1]["name"] == "bob"
assert yaml.load(text, Loader=yaml.CSafeLoader) == config
path = os.path.join(os.environ["BENIGN_WORKDIR"], "config.yaml")
with open(path, "w") as out:
    yaml.safe_dump(config, out, sort_keys=False, default_flow_style=False)
with open(path) as back:
    assert yaml.safe_load(back) == config
documents = list(yaml.safe_load_all("---\na: 1\n---\nb: 2\n"))
assert documents == [{"a": 1}, {"b": 2}]
assert yaml.dump({"when": "2024-01-01"}, Dumper=yaml.CSafeDumper).strip() == "when: '2024-01-01'"
