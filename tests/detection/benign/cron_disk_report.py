# A disk report: mounted file systems from /proc/mounts, usage from statvfs
# and shutil.disk_usage, the largest directories from os.walk, df and du
# through subprocess, mailed out as a text report (here: written to a file).
import os, shutil, subprocess

workdir = os.environ["BENIGN_WORKDIR"]
# The root file system first, whatever /proc/mounts calls it (in a container
# or a chroot it is not mounted at "/" as the kernel sees it).
root = shutil.disk_usage("/")
lines = [f"{'/':30s} {'root':10s} {root.used * 100 // root.total:3d}% used"]
with open("/proc/mounts") as mounts:
    for line in mounts:
        device, mountpoint, fstype = line.split()[:3]
        if fstype in ("proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue"):
            continue
        try:
            usage = shutil.disk_usage(mountpoint)
        except OSError:
            continue
        if usage.total and mountpoint != "/":
            lines.append(f"{mountpoint:30s} {fstype:10s} {usage.used * 100 // usage.total:3d}% used")
stat = os.statvfs("/")
lines.append(f"inodes free on /: {stat.f_favail}")
sizes = {}
for root, directories, files in os.walk("/usr/share/doc"):
    sizes[root] = sum(os.path.getsize(os.path.join(root, name)) for name in files
                      if os.path.isfile(os.path.join(root, name)))
    if len(sizes) > 400:
        break
for path, size in sorted(sizes.items(), key=lambda item: -item[1])[:5]:
    lines.append(f"{size:>12d} {path}")
lines.append(subprocess.run(["df", "-hT", "-x", "tmpfs"], capture_output=True, text=True).stdout)
lines.append(subprocess.run(["du", "-sh", "/usr/share/doc"], capture_output=True, text=True, check=True).stdout)
with open(os.path.join(workdir, "disk-report.txt"), "w") as report:
    report.write("\n".join(lines))
assert any(" / " in line or line.startswith("/ ") for line in lines)
