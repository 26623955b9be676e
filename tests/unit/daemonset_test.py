#!/usr/bin/env python3
"""The Kubernetes DaemonSet (deploy/kubernetes/tracker-daemonset.yaml) checked
for shape, since no cluster runs here: what tracker needs of the host is
there, each runtime's default socket is reachable through a mounted
directory (never a bind-mounted socket file), and the liveness probe watches
the metrics file that the ConfigMap's drop-in makes tracker write."""

import argparse
import configparser
import os
import re
import sys
import unittest

import yaml

ROOT = None


def load():
    with open(os.path.join(ROOT, "deploy/kubernetes/tracker-daemonset.yaml")) as f:
        return {doc["kind"]: doc for doc in yaml.safe_load_all(f) if doc}


def default_sockets():
    """The sockets tracker looks for without --cri, from its source."""
    with open(os.path.join(ROOT, "src/agent/endpoints.cpp")) as f:
        return re.findall(r'"(/var/run/[^"]+\.sock)"', f.read())


def host_path(path):
    """/var/run is /run on every current distribution and in the image."""
    return "/run" + path[len("/var/run"):] if path.startswith("/var/run/") else path


class DaemonSetShape(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.docs = load()
        cls.pod = cls.docs["DaemonSet"]["spec"]["template"]["spec"]
        cls.container = cls.pod["containers"][0]
        cls.volumes = {v["name"]: v for v in cls.pod["volumes"]}
        cls.mounts = {m["mountPath"]: m for m in cls.container["volumeMounts"]}

    def test_every_object_shares_one_namespace(self):
        self.assertEqual(set(self.docs), {"Namespace", "ConfigMap", "DaemonSet"})
        name = self.docs["Namespace"]["metadata"]["name"]
        self.assertEqual(self.docs["ConfigMap"]["metadata"]["namespace"], name)
        self.assertEqual(self.docs["DaemonSet"]["metadata"]["namespace"], name)

    def test_the_host_as_tracker_needs_it(self):
        self.assertTrue(self.pod["hostPID"])
        self.assertTrue(self.container["securityContext"]["privileged"])
        env = {e["name"]: e["value"] for e in self.container["env"]}
        self.assertEqual(env.get("CONTAINERS_ENRICHMENT"), "1")
        cgroup = self.mounts["/sys/fs/cgroup"]
        self.assertTrue(cgroup["readOnly"])
        self.assertEqual(self.volumes[cgroup["name"]]["hostPath"]["path"], "/sys/fs/cgroup")
        self.assertIn("requests", self.container["resources"])

    def test_runtime_sockets_come_through_directories(self):
        sockets = default_sockets()
        self.assertGreaterEqual(len(sockets), 4, "the default sockets were not found in the source")
        for socket in sockets:
            directory = os.path.dirname(host_path(socket))
            if directory == "/run":
                continue  # Docker's socket: no Kubernetes node runs dockershim any more
            with self.subTest(socket=socket):
                mount = self.mounts.get(directory)
                self.assertIsNotNone(mount, f"{directory} is not mounted for {socket}")
                source = self.volumes[mount["name"]]["hostPath"]
                self.assertEqual(source["path"], directory)
                self.assertIn(source.get("type"), ("Directory", "DirectoryOrCreate"))
        for volume in self.volumes.values():
            source = volume.get("hostPath")
            if source:
                self.assertNotEqual(source.get("type"), "Socket", volume["name"])
                self.assertFalse(source["path"].endswith(".sock"), volume["name"])

    def test_liveness_watches_the_metrics_file_tracker_writes(self):
        drop_ins = self.docs["ConfigMap"]["data"]
        config_mount = self.mounts["/etc/tracker/tracker.conf.d"]
        self.assertEqual(self.volumes[config_mount["name"]]["configMap"]["name"],
                         self.docs["ConfigMap"]["metadata"]["name"])
        for name, text in drop_ins.items():
            self.assertTrue(name.endswith(".conf"), f"{name}: tracker reads only *.conf drop-ins")
            parser = configparser.ConfigParser()
            parser.read_string(text)
            metrics = parser["Metrics"]["Path"]
        directory = os.path.dirname(metrics)
        self.assertIn(directory, self.mounts, "the metrics file is on no writable volume")
        self.assertFalse(self.mounts[directory].get("readOnly", False))
        probe = " ".join(self.container["livenessProbe"]["exec"]["command"])
        self.assertIn(metrics, probe)


def main():
    global ROOT
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-root", required=True)
    args, rest = parser.parse_known_args()
    ROOT = args.source_root
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
