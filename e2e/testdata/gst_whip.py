#!/usr/bin/python3
"""A WHIP publisher built on GStreamer's webrtcbin (Debian 12 has no whipsink).

usage: gst_whip.py URL TOKEN SECONDS [WAV]
Publishes a 440 Hz tone (or the WAV) as Opus for SECONDS (or until the WAV
ends), then DELETEs the WHIP session. Exits non-zero on any failure.
Run it with Debian's /usr/bin/python3 (python3-gst-1.0, gir1.2-gst-plugins-bad-1.0).
"""
import sys
import urllib.parse
import urllib.request

import gi
gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

url, token, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
wav = sys.argv[4] if len(sys.argv) > 4 else None
Gst.init(None)
src = f"filesrc location={wav} ! wavparse" if wav else "audiotestsrc is-live=true wave=sine freq=440 volume=0.5"
pipe = Gst.parse_launch(
    f"{src} ! audioconvert ! audioresample ! opusenc ! rtpopuspay pt=111 ! "
    "application/x-rtp,media=audio,encoding-name=OPUS,payload=111 ! "
    "webrtcbin name=wb bundle-policy=max-bundle")
wb = pipe.get_by_name("wb")
loop = GLib.MainLoop()
state = {"location": None, "rc": 0}


def request(method, target, body=None):
    headers = {"Authorization": "Bearer " + token}
    if body is not None:
        headers["Content-Type"] = "application/sdp"
    req = urllib.request.Request(target, data=body, method=method, headers=headers)
    return urllib.request.urlopen(req, timeout=10)


def fail(msg):
    print("gst_whip:", msg, file=sys.stderr)
    state["rc"] = 1
    loop.quit()


def on_negotiation_needed(element):
    def on_offer(promise, _element, _data):
        reply = promise.get_reply()  # keep it alive: it owns the offer
        offer = reply["offer"]
        wb.emit("set-local-description", offer, Gst.Promise.new())
    wb.emit("create-offer", None, Gst.Promise.new_with_change_func(on_offer, element, None))


def on_gathering(element, _pspec):
    if element.get_property("ice-gathering-state") == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
        GLib.idle_add(post)


def post():
    # Every candidate is in the offer: no trickle (RFC 9725 allows this).
    sdp = wb.get_property("local-description").sdp.as_text()
    try:
        resp = request("POST", url, sdp.encode())
    except Exception as e:  # noqa: BLE001 - report any HTTP failure
        return fail(f"POST {url}: {e}")
    if resp.status != 201:
        return fail(f"POST answered {resp.status}")
    state["location"] = urllib.parse.urljoin(url, resp.headers["Location"])
    _, msg = GstSdp.SDPMessage.new_from_text(resp.read().decode())
    answer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, msg)
    wb.emit("set-remote-description", answer, Gst.Promise.new())
    if not wav:
        GLib.timeout_add(int(seconds * 1000), loop.quit)
    return False


def on_message(_bus, msg):
    if msg.type == Gst.MessageType.EOS:
        loop.quit()
    elif msg.type == Gst.MessageType.ERROR:
        fail(str(msg.parse_error()[0]))


wb.connect("on-negotiation-needed", on_negotiation_needed)
wb.connect("notify::ice-gathering-state", on_gathering)
bus = pipe.get_bus()
bus.add_signal_watch()
bus.connect("message", on_message)
pipe.set_state(Gst.State.PLAYING)
GLib.timeout_add(int((seconds + 15) * 1000), lambda: fail("timed out"))
loop.run()
if state["location"]:
    try:
        request("DELETE", state["location"])
    except Exception as e:  # noqa: BLE001
        print("gst_whip: DELETE:", e, file=sys.stderr)
pipe.set_state(Gst.State.NULL)
sys.exit(state["rc"])
