"""Drives virt-manager's New VM wizard (already on screen: virt-manager --show-domain-creator) through the
accessibility bus with dogtail, as a user would click it: import an existing disk image, pick the OS, set
memory and CPUs, name the guest, Finish. virt-manager then defines and starts the guest through its own code.
usage: virt_manager_create.py IMAGE NAME"""
import sys
import time

from dogtail import tree
from dogtail.config import config

image, name = sys.argv[1:3]
config.searchShowingOnly = True
config.defaultDelay = 0.3
config.searchCutoffCount = 60


def showing(node, role):
    return [n for n in node.findChildren(lambda n: n.roleName == role and n.showing)]


def press(window, label):
    window.child(label, roleName="push button").doActionNamed("click")
    time.sleep(1)


app = tree.root.application("virt-manager")
wizard = app.child("New VM", roleName="frame")
wizard.child("Import existing disk image", roleName="radio button").doActionNamed("click")
press(wizard, "Forward")
wizard.child("import-entry", roleName="text").text = image
os_entry = wizard.child("oslist-entry", roleName="text")
os_entry.grabFocus()
os_entry.text = "linux2022"
time.sleep(2)
choice = [c for c in showing(app, "table cell") if "(linux2022)" in c.name][0]
choice.doActionNamed("activate")
time.sleep(1)
print(f"os: {os_entry.text}")
press(wizard, "Forward")
for spin in showing(wizard, "spin button"):
    spin.value = 1 if spin.name == "cpus" else 256
press(wizard, "Forward")
# The name's entry is the first on the last page (the network's options follow it).
showing(wizard, "text")[0].text = name
summary = [label.name for label in showing(wizard, "label")]
print("summary: " + " | ".join(s for s in summary if s.endswith("MiB") or s == image))
press(wizard, "Finish")
print("finished")
