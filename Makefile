# earshot: two front doors, `make demo` and `make test`. Both install what
# they need first through scripts/setup.sh (idempotent).
GO      ?= go
BIN     := bin/earshot
PKGS    := ./...

.PHONY: setup build demo demo-cluster test vet lint fuzz bench soak clean nats-cli

setup:
	@bash scripts/setup.sh

build:
	$(GO) build -o $(BIN) ./cmd/earshot

demo: setup build
	@bash scripts/demo.sh

test: setup
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 15m $(PKGS)

lint:
	gofmt -l . | (! grep .)
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)

# Short fuzzing passes over every parser; corpora that found bugs are committed
# under each package's testdata/fuzz.
fuzz:
	@bash scripts/fuzz.sh 30s

bench: setup build
	@bash scripts/bench.sh

# A long soak (e2e TestSoak): 500 rooms replayed over the utterance stream
# for 20 minutes; after the warm-up goroutines stay flat and the heap of
# earshot grows by no more than a small slope (docs/scaling.md, "The
# soak's heap"), every alert stored once. SOAK=1h SOAK_ROOMS=2000 make soak
# for longer by hand; SOAK_PROFILES=/abs/dir writes a heap profile per sample
# (go tool pprof -base dir/heap-010.pb.gz dir/heap-059.pb.gz).
SOAK ?= 20m
SOAK_ROOMS ?= 500
SOAK_PROFILES ?=
soak: setup
	EARSHOT_SOAK=$(SOAK) EARSHOT_SOAK_ROOMS=$(SOAK_ROOMS) EARSHOT_SOAK_PROFILES=$(SOAK_PROFILES) $(GO) test -count=1 -timeout 0 -run '^TestSoak$$' -v ./e2e/

clean:
	rm -rf bin

# The standard NATS CLI (not packaged in Debian 12), built from the Go module
# proxy into bin/: `bin/nats sub 'earshot.>'` shows every alert and reminder.
nats-cli:
	GOBIN=$(CURDIR)/bin $(GO) install github.com/nats-io/natscli/nats@v0.5.0

# A local cluster: 3 nats-servers, two ingest+scan workers, an index and an
# api node; registers pulled rooms on the api node and shows which worker
# pulls each; kills a worker and a NATS server, shows partitions and rooms
# moving, and checks no alert is lost.
demo-cluster: setup build
	@bash scripts/demo-cluster.sh
