# technique: T1059.004 T1106
"""Shell started through _posixsubprocess.fork_exec directly (T1059.004, T1106).

The C primitive behind subprocess is called with a hand-built argument
list, so subprocess.Popen's Python-level audit event is never raised
(CPython ≤ 3.13 has no event for fork_exec). The command is
`/bin/sh -c 'echo …'`.

A good detector raises a medium or higher alert: a shell is started from
Python, whatever the API (here only indirect traces remain: the
_posixsubprocess import, the child's exit).
"""
import os
import _posixsubprocess

argv = [b"/bin/sh", b"-c", b"echo started without subprocess.Popen"]
errpipe_read, errpipe_write = os.pipe()
args = (
    argv,                 # args
    [b"/bin/sh"],         # executable_list
    True,                 # close_fds
    (),                   # pass_fds
    None,                 # cwd
    None,                 # env
    -1, -1, -1, -1, -1, -1,  # p2cread, p2cwrite, c2pread, c2pwrite, errread, errwrite
    errpipe_read, errpipe_write,
    False, False,         # restore_signals, call_setsid
    -1,                   # pgid_to_set
    None, None, None,     # gid, extra_groups, uid
    -1,                   # child_umask
    None,                 # preexec_fn
    False,                # allow_vfork (3.11 to 3.13)
)


def fork_exec(args):
    try:
        return _posixsubprocess.fork_exec(*args)
    except TypeError:
        return _posixsubprocess.fork_exec(*args[:-1])  # 3.14 took allow_vfork out


try:
    pid = fork_exec(args)
except TypeError as exc:  # another CPython signature: record it and end cleanly
    print("fork_exec signature differs:", exc)
else:
    os.close(errpipe_write)
    os.read(errpipe_read, 50)
    _, status = os.waitpid(pid, 0)
    print("fork_exec child exited", os.waitstatus_to_exitcode(status))
finally:
    os.close(errpipe_read)
    try:
        os.close(errpipe_write)
    except OSError:
        pass
