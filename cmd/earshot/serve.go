package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/gctune"
)

func newServeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the monitor: embedded NATS (or --nats-url), HTTP API, room pipelines",
		Args:  cobra.NoArgs,
	}
	cf := addConfigFlags(cmd)
	var drain time.Duration
	cmd.Flags().DurationVar(&drain, "drain", 30*time.Second, "on SIGTERM, how long running rooms may take to flush")
	var consoleTTL time.Duration
	cmd.Flags().DurationVar(&consoleTTL, "console-token-ttl", 12*time.Hour,
		"print the console URL with a compliance token valid this long (0: print no URL)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := cf.load(cmd)
		if err != nil {
			return err
		}
		log := newLogger(cfg.LogLevel)
		// The collector's policy of a long-running node (GOGC 400 under a
		// soft memory limit; an operator's GOGC or GOMEMLIMIT wins):
		// internal/gctune says why.
		gc := gctune.Apply()
		log.Info("garbage collector", "gogc", gc.Percent, "memory_limit_bytes", gc.MemoryLimit)
		svc, err := app.Start(cmd.Context(), cfg, log)
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "earshot: HTTP on http://%s, NATS on %s\n", svc.HTTPAddr(), svc.NATSURL())
		if consoleTTL > 0 {
			if u, err := svc.ConsoleURL(consoleTTL); err == nil {
				fmt.Fprintf(cmd.OutOrStdout(), "earshot: compliance console (token valid %s): %s\n", consoleTTL, u)
			}
		}
		<-cmd.Context().Done()
		log.Info("shutting down: draining rooms and pending alerts", "timeout", drain)
		ctx, cancel := context.WithTimeout(context.Background(), drain)
		defer cancel()
		svc.Close(ctx)
		return nil
	}
	return cmd
}
