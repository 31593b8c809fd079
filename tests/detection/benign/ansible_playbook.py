# A small local playbook run with ansible-playbook (connection=local): facts,
# templates, files, lineinfile, a handler and a command, each module shipped
# as an AnsiballZ payload and run by the same interpreter.
import os, subprocess, sys

workdir = os.environ["BENIGN_WORKDIR"]
site = os.path.join(workdir, "site")
os.makedirs(os.path.join(site, "templates"), exist_ok=True)
with open(os.path.join(site, "templates", "app.conf.j2"), "w") as template:
    template.write("# {{ ansible_managed }}\nhost = {{ ansible_hostname }}\nworkers = {{ workers }}\n")
with open(os.path.join(site, "playbook.yml"), "w") as playbook:
    playbook.write(f"""
- name: configure a small service
  hosts: localhost
  connection: local
  gather_facts: true
  vars:
    root: "{site}/root"
    workers: 4
  tasks:
    - name: directories
      ansible.builtin.file: {{path: "{{{{ root }}}}/{{{{ item }}}}", state: directory, mode: "0755"}}
      loop: [etc, log, data]
    - name: configuration
      ansible.builtin.template: {{src: app.conf.j2, dest: "{{{{ root }}}}/etc/app.conf", mode: "0644"}}
      notify: reload
    - name: a setting
      ansible.builtin.lineinfile: {{path: "{{{{ root }}}}/etc/app.conf", regexp: "^timeout", line: "timeout = 30"}}
    - name: a data file
      ansible.builtin.copy: {{content: "hello\\n", dest: "{{{{ root }}}}/data/hello.txt"}}
    - name: a check
      ansible.builtin.command: cat {{{{ root }}}}/etc/app.conf
      register: shown
      changed_when: false
    - ansible.builtin.assert: {{that: ["'workers = 4' in shown.stdout"]}}
    - name: stat
      ansible.builtin.stat: {{path: "{{{{ root }}}}/data/hello.txt"}}
      register: hello
    - ansible.builtin.debug: {{msg: "{{{{ hello.stat.size }}}} bytes"}}
  handlers:
    - name: reload
      ansible.builtin.shell: echo reloaded > {{{{ root }}}}/log/reload.log
""")
with open(os.path.join(site, "ansible.cfg"), "w") as config:
    config.write(f"[defaults]\nlocal_tmp = {workdir}/ansible-local\nremote_tmp = {workdir}/ansible-remote\n"
                 "retry_files_enabled = False\nnocolor = True\n")
environment = dict(os.environ, HOME=workdir, ANSIBLE_CONFIG=os.path.join(site, "ansible.cfg"))
subprocess.run([sys.executable, "/usr/bin/ansible-playbook", "-i", "localhost,", "-e",
                f"ansible_python_interpreter={sys.executable}", "playbook.yml"],
               env=environment, cwd=site, check=True, stdout=subprocess.DEVNULL, timeout=60)
with open(os.path.join(site, "root", "log", "reload.log")) as log:
    assert log.read() == "reloaded\n"
