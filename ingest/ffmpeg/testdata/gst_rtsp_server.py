#!/usr/bin/python3
"""A real RTSP server for the tests: GStreamer's gst-rtsp-server playing a
1 kHz Opus tone at rtsp://ADDR:PORT/tone, for SECONDS seconds per client.
Prints "ready" once listening. Usage: gst_rtsp_server.py ADDR PORT SECONDS"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

addr, port, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address(addr)
server.set_service(port)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(
    "( audiotestsrc freq=1000 num-buffers=%d samplesperbuffer=960 is-live=true "
    "! audio/x-raw,rate=48000,channels=1 ! opusenc ! rtpopuspay name=pay0 pt=111 )" % (seconds * 50)
)
factory.set_shared(False)
server.get_mount_points().add_factory("/tone", factory)
if server.attach(None) == 0:
    sys.exit("cannot listen on %s:%s" % (addr, port))
print("ready", flush=True)
GLib.MainLoop().run()
