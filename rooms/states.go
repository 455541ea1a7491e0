package rooms

// State is where a room is in its life, as Status.State and GET
// /v1/rooms show it (the JSON value is the string). Every state a room can
// be in is one of the constants below; this table is the one place that
// says what each means and how a room gets there (docs/rooms.md repeats it
// for API users).
//
//	state         meaning                                       entered from, when                           leaves for
//	idle          not registered, never fed audio: only text    (new) text posted to an unknown room          live
//	              was posted to it
//	starting      registered; its worker has not run yet        (new) Add, or Open restoring rooms.json       waiting, live, reconnecting
//	waiting       a WHIP room without a publisher               starting; live when a session ended cleanly   live
//	connecting    a pulled session is open, no audio yet        live: shown until the first sample arrives    live, reconnecting, stopped
//	live          a session is delivering audio                 idle, starting, waiting, reconnecting,        connecting (pulled), waiting,
//	                                                            ended, failed: an upload, WHIP or pulled      ended, failed, reconnecting,
//	                                                            session started                               stopped
//	reconnecting  a pulled source failed or ended: waiting out  starting, live: opening or the session        live, stopped
//	              the backoff delay before the next try         failed, or the stream ended
//	ended         an unregistered room's session finished       live: an upload or ad-hoc WHIP session        live
//	                                                            ended without error
//	failed        the last upload or WHIP session failed        live: the session ended with an error         live
//	              (see last_error)
//	stopped       a pulled room's worker has stopped            live, reconnecting: the registry is closing   (final)
//	elsewhere     a pulled room another worker of the cluster   starting, live, reconnecting: its claim is    live, stopped
//	              pulls (Options.Owner)                         held by (or went to) another worker
//
// Text posted to a room never changes its state: the text feed counts
// utterances and alerts whatever the audio does.
type State string

// The states of a room; see State for their meaning and transitions.
const (
	StateIdle         State = "idle"
	StateStarting     State = "starting"
	StateWaiting      State = "waiting"
	StateConnecting   State = "connecting"
	StateLive         State = "live"
	StateReconnecting State = "reconnecting"
	StateEnded        State = "ended"
	StateFailed       State = "failed"
	StateStopped      State = "stopped"
	StateElsewhere    State = "elsewhere"
)

// States lists every state in the order of the table in State's
// documentation, so that a gauge per state (/metrics) exists whether or
// not a room is in it.
func States() []State {
	return []State{StateIdle, StateStarting, StateWaiting, StateConnecting, StateLive,
		StateReconnecting, StateEnded, StateFailed, StateStopped, StateElsewhere}
}

// reasonWaiting is the reason shown with StateWaiting.
const reasonWaiting = "waiting for a WHIP publisher"
