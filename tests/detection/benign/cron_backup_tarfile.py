# A backup job: a directory tree archived with tarfile (gzip and xz), a
# SHA-256 manifest written beside it, the archive verified and restored.
import hashlib, json, os, tarfile, time

workdir = os.environ["BENIGN_WORKDIR"]
data = os.path.join(workdir, "srv", "data")
for sub in ("reports", "uploads", "config"):
    os.makedirs(os.path.join(data, sub), exist_ok=True)
    for n in range(5):
        with open(os.path.join(data, sub, f"{sub}-{n}.txt"), "w") as handle:
            handle.write(f"{sub} {n}\n" * 200)
os.symlink("config/config-0.txt", os.path.join(data, "current.conf"))
backups = os.path.join(workdir, "backups")
os.makedirs(backups)
stamp = time.strftime("%Y%m%d-%H%M%S")
manifest = {}
for mode, suffix in (("w:gz", "tar.gz"), ("w:xz", "tar.xz")):
    archive = os.path.join(backups, f"data-{stamp}.{suffix}")
    with tarfile.open(archive, mode) as tar:
        tar.add(data, arcname="data", filter=lambda info: None if info.name.endswith(".tmp") else info)
    with open(archive, "rb") as handle:
        manifest[os.path.basename(archive)] = hashlib.file_digest(handle, "sha256").hexdigest()
with open(os.path.join(backups, "MANIFEST.json"), "w") as out:
    json.dump(manifest, out, indent=2)
restore = os.path.join(workdir, "restore")
with tarfile.open(os.path.join(backups, f"data-{stamp}.tar.gz")) as tar:
    assert len(tar.getmembers()) == 20
    if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
        tar.extractall(restore, filter="data")
    else:
        tar.extractall(restore)
assert os.readlink(os.path.join(restore, "data", "current.conf")) == "config/config-0.txt"
with open(os.path.join(restore, "data", "reports", "reports-3.txt")) as restored:
    assert restored.readline() == "reports 3\n"
