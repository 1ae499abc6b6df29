"""A tiny RTSP server (GStreamer's gst-rtsp-server) that serves H.264 fed on stdin.

Runs under the *system* Python (python3-gi lives there, not in the project's venv); the
stream simulator starts it as a subprocess.  Usage::

    /usr/bin/python3 rtsp_gst_server.py PORT MOUNT [MOUNT ...]

stdin carries access units: a header ``<HI`` (mount index, byte count) then the H.264
Annex-B bytes.  stdout reports ``ready`` once listening and ``viewers INDEX 0|1`` when a
mount gains its first or loses its last client, so the feeder encodes only what is watched.
The server exits when stdin closes.
"""

import struct
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

LAUNCH = ("( appsrc name=src is-live=true do-timestamp=true format=time "
          "caps=video/x-h264,stream-format=byte-stream,alignment=au "
          "! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1 )")
HEADER = struct.Struct("<HI")


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Mount:
    def __init__(self, index, path):
        self.index = index
        self.path = path
        self.lock = threading.Lock()
        self.appsrcs = []

    def configure(self, factory, media):
        src = media.get_element().get_child_by_name("src")
        with self.lock:
            self.appsrcs.append(src)
            first = len(self.appsrcs) == 1
        media.connect("unprepared", self.unprepared, src)
        if first:
            say(f"viewers {self.index} 1")

    def unprepared(self, media, src):
        with self.lock:
            if src in self.appsrcs:
                self.appsrcs.remove(src)
            last = not self.appsrcs
        if last:
            say(f"viewers {self.index} 0")

    def push(self, data):
        with self.lock:
            targets = list(self.appsrcs)
        for src in targets:
            src.emit("push-buffer", Gst.Buffer.new_wrapped(data))


def read_exact(stream, n):
    buf = b""
    while len(buf) < n:
        chunk = stream.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def feed(mounts, loop):
    stdin = sys.stdin.buffer
    while True:
        head = read_exact(stdin, HEADER.size)
        if head is None:
            break
        index, size = HEADER.unpack(head)
        data = read_exact(stdin, size)
        if data is None:
            break
        if index < len(mounts):
            mounts[index].push(data)
    GLib.idle_add(loop.quit)


def main():
    port, paths = int(sys.argv[1]), sys.argv[2:]
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1" if "--public" not in paths else "0.0.0.0")
    paths = [p for p in paths if p != "--public"]
    server.set_service(str(port))
    mounts = []
    points = server.get_mount_points()
    for i, path in enumerate(paths):
        mount = Mount(i, "/" + path.strip("/"))
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(LAUNCH)
        factory.set_shared(True)
        factory.connect("media-configure", mount.configure)
        points.add_factory(mount.path, factory)
        mounts.append(mount)
    if server.attach(None) == 0:
        say(f"error cannot listen on port {port}")
        sys.exit(2)
    loop = GLib.MainLoop()
    threading.Thread(target=feed, args=(mounts, loop), daemon=True).start()
    say("ready")
    loop.run()


if __name__ == "__main__":
    main()
