#!/usr/bin/python3
"""A one-session WHEP server built on GStreamer's webrtcbin: a real,
non-pion WebRTC peer that answers a WHEP offer and sends a 440 Hz tone.

usage: gst_whep_server.py HOST PORT TOKEN SECONDS
POST /whep answers 201 with Location /whep/1; the tone stops after SECONDS
(EOS, the peer connection is closed); DELETE /whep/1 ends the process.
Prints "ready" once listening. Run with Debian's /usr/bin/python3.
"""
import http.server
import sys
import threading

import gi
gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

host, port, token, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
Gst.init(None)
pipe = Gst.parse_launch(
    f"audiotestsrc is-live=true wave=sine freq=440 volume=0.5 num-buffers={int(seconds * 100)} "
    "samplesperbuffer=480 ! audio/x-raw,rate=48000 ! audioconvert ! opusenc ! rtpopuspay pt=111 ! "
    "application/x-rtp,media=audio,encoding-name=OPUS,payload=111 ! webrtcbin name=wb bundle-policy=max-bundle")
wb = pipe.get_by_name("wb")
answered = threading.Event()
done = threading.Event()
loop = GLib.MainLoop()


def on_gathering(element, _pspec):
    if element.get_property("ice-gathering-state") == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
        answered.set()


def apply_offer(text):
    _, msg = GstSdp.SDPMessage.new_from_text(text)
    offer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.OFFER, msg)

    def on_answer(promise, _a, _b):
        reply = promise.get_reply()  # keep it alive: it owns the answer
        wb.emit("set-local-description", reply["answer"], Gst.Promise.new())

    def on_remote_set(_promise, _a, _b):
        wb.emit("create-answer", None, Gst.Promise.new_with_change_func(on_answer, None, None))

    wb.emit("set-remote-description", offer, Gst.Promise.new_with_change_func(on_remote_set, None, None))
    return False


class Handler(http.server.BaseHTTPRequestHandler):
    def authorized(self):
        if self.headers.get("Authorization") == "Bearer " + token:
            return True
        self.send_error(401, "bad token")
        return False

    def do_POST(self):  # noqa: N802 - http.server naming
        if not self.authorized():
            return
        offer = self.rfile.read(int(self.headers["Content-Length"])).decode()
        GLib.idle_add(apply_offer, offer)
        if not answered.wait(10):
            self.send_error(500, "no answer")
            return
        body = wb.get_property("local-description").sdp.as_text().encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/sdp")
        self.send_header("Location", "/whep/1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_DELETE(self):  # noqa: N802
        if self.authorized():
            self.send_response(200)
            self.end_headers()
            done.set()

    def log_message(self, *_args):
        pass


def on_message(_bus, msg):
    if msg.type == Gst.MessageType.EOS:  # the tone is over: hang up
        GLib.idle_add(lambda: pipe.set_state(Gst.State.NULL) and False)
    elif msg.type == Gst.MessageType.ERROR:
        print("gst_whep_server:", msg.parse_error()[0], file=sys.stderr)


wb.connect("notify::ice-gathering-state", on_gathering)
bus = pipe.get_bus()
bus.add_signal_watch()
bus.connect("message", on_message)
pipe.set_state(Gst.State.PLAYING)
server = http.server.ThreadingHTTPServer((host, port), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
threading.Thread(target=lambda: (done.wait(seconds + 30), loop.quit()), daemon=True).start()
print("ready", flush=True)
loop.run()
pipe.set_state(Gst.State.NULL)
