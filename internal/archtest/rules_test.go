package archtest

// A rule says that the packages matching From must not depend on the
// packages matching Not, except those matching Allow. Patterns are
// written as the go command spells them: "./transcript/..." is transcript
// and everything below it in this module, "./..." the whole module, and
// anything else an import path outside it ("net", "github.com/nats-io/..."). Dependencies are transitive (what
// `go list -deps` prints), unless Direct is set: then only the packages'
// own imports count (for rules about what a package does "itself").
type rule struct {
	Doc    string // the sentence enforced, and where it is written
	From   []string
	Except []string // packages of From the rule does not apply to
	Not    []string
	Allow  []string // packages of Not that may be depended on anyway
	Direct bool
}

// upper are the stages above the lexicon, by data flow.
var upper = []string{"./pipeline/...", "./rooms/...", "./server/...", "./internal/app/...", "./cmd/...", "./eval/...", "./e2e/...", "./trust/...", "./reports/..."}

// testOnly are the packages that exist for tests.
var testOnly = []string{"./transcript/internal/fakeasr", "./transcript/internal/wsasr/wsasrtest",
	"./internal/testaudio", "./internal/testdouble", "./internal/testnet", "./internal/natstest", "./internal/authtest",
	"./internal/testutil", "./internal/testdisk", "./internal/natscluster", "./alerter/webhook/webhooktest"}

var rules = []rule{
	// The one-way data flow (README "How data flows"; HELPERS: no imports
	// against the data flow).
	{
		Doc:  "analysis/doc.go: This package must never depend on the lexicon, the transcript store or any other pipeline stage.",
		From: []string{"./analysis/..."},
		Not:  []string{"./..."}, Allow: []string{"./analysis/..."},
	},
	{
		Doc:  "ingest/doc.go: This package must never know about recognizers, rules or alerts.",
		From: []string{"./ingest/..."},
		Not:  append([]string{"./transcript/...", "./lexicon/...", "./analysis/...", "./alerter/..."}, upper...),
	},
	{
		Doc: "transcript/doc.go: This package must never know about rules or alerts. " +
			"(transcript/sphinx/doc.go: never know about rules or alerts; transcript/kws/doc.go: never import the lexicon; " +
			"transcript/store/doc.go: must never match rules itself.)",
		From: []string{"./transcript/..."},
		// test support shares internal/testdouble's in-memory alert sink
		Except: testOnly,
		Not:    append([]string{"./lexicon/...", "./alerter/..."}, upper...),
	},
	{
		Doc:  "lexicon/doc.go: This package must never publish anything, or know where text came from beyond a transcript.Hypothesis.",
		From: []string{"./lexicon"},
		Not: append([]string{"./alerter/...", "./ingest/...", "./lexicon/version", "github.com/nats-io/...",
			"./transcript/sphinx", "./transcript/kws", "./transcript/openai", "./transcript/vosk", "./transcript/sherpa", "./transcript/replay",
			"./transcript/multi", "./transcript/store"}, upper...),
	},
	{
		Doc:  "data flow: lexicon -> alerter: nothing under lexicon/ depends on the stages after it.",
		From: []string{"./lexicon/..."},
		Not:  append([]string{"./alerter/...", "./ingest/..."}, upper...),
	},
	{
		Doc:  "lexicon/defaults/doc.go: It must never import the lexicon package (lexicon imports it to implement lexicon.Default).",
		From: []string{"./lexicon/defaults"},
		Not:  []string{"./..."}, Allow: []string{"./lexicon/defaults"},
	},
	{
		Doc: "lexicon/phonetic/doc.go: This package must never decide whether a match is a violation: it only reports distances. " +
			"It must never touch the network.",
		From: []string{"./lexicon/phonetic"},
		Not:  []string{"./...", "net"}, Allow: []string{"./lexicon/phonetic"},
	},
	{
		Doc:  "internal/spool/doc.go: This package must never interpret or change the messages it holds (it knows no earshot package).",
		From: []string{"./internal/spool"},
		Not:  []string{"./..."}, Allow: []string{"./internal/spool"},
	},
	{
		Doc:  "internal/ctxtime/doc.go: This package must never keep state or start goroutines (it knows no earshot package).",
		From: []string{"./internal/ctxtime"},
		Not:  []string{"./..."}, Allow: []string{"./internal/ctxtime"},
	},
	{
		Doc:    "internal/gctune/doc.go: This package must never be called from a library package (it changes process-wide state: only cmd/ calls it).",
		From:   []string{"./..."},
		Except: []string{"./cmd/..."},
		Not:    []string{"./internal/gctune"},
	},
	{
		Doc:  "internal/netguard/doc.go: This package must never depend on what the connection is for (no ingest, rooms or webhook specifics).",
		From: []string{"./internal/netguard"},
		Not:  []string{"./..."}, Allow: []string{"./internal/netguard"},
	},
	{
		Doc:    "links/doc.go: This package must never import the HTTP layer (server, api).",
		From:   []string{"./links/..."},
		Not:    []string{"./server/...", "./api/...", "./internal/app/...", "./cmd/...", "./rooms/...", "net/http"},
		Direct: true,
	},
	{
		Doc:  "alerter/doc.go: This package must never match text or touch audio.",
		From: []string{"./alerter/..."},
		Not:  append([]string{"./lexicon/...", "./analysis/...", "./transcript/...", "./ingest/..."}, upper...),
	},
	{
		Doc: "trust/doc.go: it must never match text or touch audio; data flow: the trust ledger reads what alerter " +
			"and the workflow stored, downstream of alerter, and never depends on the stages that produce it or the API and wiring above it.",
		From: []string{"./trust/..."},
		Not: []string{"./lexicon/...", "./analysis/...", "./transcript/...", "./ingest/...", "./pipeline/...", "./rooms/...",
			"./cluster/...", "./server/...", "./internal/app/...", "./cmd/...", "./eval/...", "./e2e/..."},
	},
	{
		Doc: "reports/doc.go: it must never import the HTTP server or the service assembly; data flow: viewer reports " +
			"become alerts through alerter's sink, downstream of the stages that hear and match speech.",
		From: []string{"./reports/..."},
		Not: []string{"./ingest/...", "./pipeline/...", "./rooms/...", "./cluster/...", "./server/...", "./internal/app/...",
			"./cmd/...", "./eval/...", "./e2e/...", "./trust/..."},
	},
	{
		Doc:  "data flow: pipeline wires one room's stages; it never depends on the registry, the API or the wiring above it.",
		From: []string{"./pipeline/..."},
		Not:  []string{"./rooms/...", "./server/...", "./internal/app/...", "./cmd/...", "./eval/...", "./e2e/..."},
	},
	{
		Doc: "pipeline/doc.go: This package must never know which kind of source, recognizer, lexicon storage, transcript " +
			"storage or transport it is wired to: it sees only the stage interfaces.",
		From: []string{"./pipeline"},
		Not: []string{"./ingest/...", "./transcript/...", "./lexicon/...", "./alerter/...", "./analysis/...",
			"github.com/nats-io/...", "github.com/pion/...", "github.com/blevesearch/..."},
		Allow: []string{"./ingest", "./ingest/segment", "./transcript", "./lexicon", "./alerter"},
		// lexicon's own dependencies (bleve for rule search, its phone
		// matcher) come with the Matcher interface; only what pipeline
		// imports itself counts.
		Direct: true,
	},
	{
		Doc:  "data flow: rooms keeps the registry of rooms; it never depends on the API or the wiring above it.",
		From: []string{"./rooms/..."},
		Not:  []string{"./server/...", "./internal/app/...", "./cmd/...", "./eval/...", "./e2e/..."},
	},
	{
		Doc:  "rooms/doc.go: This package must never decode audio or match text itself: it only starts, tracks and stops pipelines.",
		From: []string{"./rooms"},
		Not: []string{"./analysis/...", "./ingest/resample", "./ingest/internal/...", "./ingest/segment", "./ingest/wavfile", "./ingest/rawpcm",
			"github.com/pion/opus/...", "./transcript/sphinx"},
		Direct: true,
	},
	{
		Doc:  "data flow: server is the HTTP API; the wiring (internal/app) builds it, never the other way round.",
		From: []string{"./server/..."},
		Not:  []string{"./internal/app/...", "./cmd/...", "./eval/...", "./e2e/..."},
	},
	{
		Doc: "internal/app/doc.go: it only builds and connects the stages; cmd/ only wires. " +
			"The wiring is the top layer: only cmd/ and the end-to-end tests build on it.",
		From:   []string{"./..."},
		Except: []string{"./internal/app/...", "./cmd/...", "./e2e/..."},
		Not:    []string{"./internal/app/...", "./cmd/..."},
	},
	{
		Doc: "api/doc.go: This package must never import server/, internal/app, storage or stage packages " +
			"(transcript/store, alerter and its sub-packages, lexicon, rooms, pipeline).",
		From: []string{"./api/..."},
		Not: []string{"./server/...", "./internal/app/...", "./cmd/...", "./ingest/...", "./transcript/...",
			"./lexicon/...", "./alerter/...", "./rooms/...", "./pipeline/...", "./trust/..."},
	},
	{
		Doc:  "config/doc.go: This package must never start anything: it only describes what to start.",
		From: []string{"./config/..."},
		Not:  []string{"./..."}, Allow: []string{"./config/..."},
	},
	{
		Doc:  "web/doc.go: This package must never fetch anything from the network at build or run time.",
		From: []string{"./web/..."},
		Not:  []string{"net", "net/http", "./..."}, Allow: []string{"./web/..."},
	},
	{
		Doc:  "eval/doc.go: This package must never talk to NATS: alerts go to an in-memory sink.",
		From: []string{"./eval/..."},
		Not:  []string{"github.com/nats-io/...", "./alerter/natsink", "./alerter/natsembed", "./lexicon/version"},
	},
	{
		Doc:  "ingest/internal/opusrx/doc.go: It must never read the network.",
		From: []string{"./ingest/internal/opusrx"},
		Not:  []string{"net"},
	},
	{
		Doc:  "ingest/resample/doc.go: This package must never read files or sockets.",
		From: []string{"./ingest/resample"},
		Not:  []string{"net", "os/exec"},
	},
	{
		Doc:  "ingest/segment/doc.go: This package must never do I/O, start goroutines or know about recognizers.",
		From: []string{"./ingest/segment"},
		Not:  []string{"net", "os/exec", "./transcript/..."},
	},
	{
		Doc: "transcript/internal/fakeasr, wsasrtest, internal/testutil, testaudio, testdouble, testnet, testdisk, natstest, authtest, natscluster doc.go: for tests only; " +
			"production code must never import them.",
		From:   []string{"./..."},
		Except: testOnly,
		Not:    testOnly,
	},
	{
		Doc: "internal/tts/doc.go: It is a test and demo helper: production code must never import it " +
			"(the demo and corpus commands, cmd/earshot and eval, are its non-test users).",
		From:   []string{"./..."},
		Except: []string{"./internal/tts", "./eval", "./cmd/earshot"},
		Not:    []string{"./internal/tts"},
	},
	{
		Doc: "internal/testdouble/doc.go: it may import only packages below the pipeline (transcript, lexicon, alerter): " +
			"importing rooms, server or pipeline would create import cycles with those packages' internal tests.",
		From: []string{"./internal/testdouble"},
		Not:  []string{"./..."}, Allow: []string{"./transcript", "./alerter", "./lexicon", "./lexicon/defaults", "./lexicon/phonetic",
			"./analysis/...", "./internal/testdouble"},
	},
	{
		Doc: "internal/testutil/doc.go: It must never import earshot packages, so that any package's " +
			"internal tests can use it without an import cycle.",
		From: []string{"./internal/testutil"},
		Not:  []string{"./..."}, Allow: []string{"./internal/testutil"},
	},
}

// Rules of doc.go files about behaviour rather than imports; other tests
// cover them, this one cannot:
//
//   - server: a handler must never panic on input, never answer 500 for a
//     client's mistake.
//   - transcript/sphinx: never let bad input reach the C library, never
//     call a decoder from two goroutines, never write to stderr.
//   - transcript/multi, vosk, sherpa, replay, internal/wsasr: never emit
//     concurrently or from a reader goroutine, never block without a
//     deadline, never stop a room because a server misbehaved, never read
//     past the given lines, never decode a server's messages in wsasr.
//   - transcript/openai: never retry a 4xx other than 429, never send the
//     API key anywhere but Config.BaseURL.
//   - transcript/kws: never block audio on a rebuild, never pass a word
//     the dictionary lacks, never decide alerts.
//   - transcript/store, pipeline/transcripts: never block the pipeline;
//     never match rules (they import lexicon for its Hit type only).
//   - alerter/disposition: never change or delete alerts.
//   - alerter/natsembed: never call os.Exit or install signal handlers.
//   - alerter/natsink: never own the caller's *nats.Conn, keep
//     package-level mutable state, or put unvalidated text in a subject.
//   - rooms: never block a pipeline on evidence writing; the lock order.
//   - pipeline: never drop an alert.
//   - ingest/pull: never start anything or touch the network in New (it
//     imports the sources it builds, so imports cannot show it).
//   - ingest/rawpcm, wavfile, ffmpeg, ring, whip, whep, internal/pump: never
//     guess a format, panic on input, run a shell, leak a process or a
//     goroutine, log credentials, block a read loop, or sleep per chunk.
//   - ingest/resample, segment: not safe for concurrent use; no stream time.
//   - lexicon: never keep state between calls. lexicon/version: never
//     edit a published version. lexicon/backtest: never write anything.
//   - lexicon/phonetic: never guess pronunciations silently, never match
//     phrases shorter than IndexOptions.MinPhones, no global state.
//   - analysis, analysis/pinyin: no state between calls, tables immutable.
//   - eval: never special-case the generated corpus, never commit audio.
//   - internal/auth: never log a token or the key. internal/testnet: never
//     touch interfaces it did not create. internal/tts: never download
//     voices or run a shell. internal/testaudio: never write files.
//   - internal/app: never hold business logic; cmd/: only wires.
