package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
)

// nodeEnv names the config file a re-executed test binary serves: tests
// that kill a node with SIGKILL run it as a process of its own, the same
// `earshot serve` (app.Start) without building a second binary.
const nodeEnv = "EARSHOT_E2E_NODE_CONFIG"

func TestMain(m *testing.M) {
	if path := os.Getenv(nodeEnv); path != "" {
		os.Exit(serveNode(path))
	}
	os.Exit(m.Run())
}

// serveNode is `earshot serve --config path` until SIGTERM or SIGINT.
func serveNode(path string) int {
	cfg := config.Default()
	if err := cfg.LoadFile(path); err != nil {
		fmt.Fprintln(os.Stderr, "node:", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	svc, err := app.Start(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "node:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "node: serving on %s\n", svc.HTTPAddr())
	<-ctx.Done()
	cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	svc.Close(cctx)
	return 0
}
