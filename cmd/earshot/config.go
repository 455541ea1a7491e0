package main

import (
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
)

// configFlags binds the flags every long-running command shares onto a
// config: file first, then env, then the flags the user actually set.
type configFlags struct {
	file  string
	roles string
	cfg   config.Config
}

func addConfigFlags(cmd *cobra.Command) *configFlags {
	cf := &configFlags{cfg: config.Default()}
	f := cmd.Flags()
	f.StringVar(&cf.file, "config", "", "YAML config file (see docs/earshot.sample.yaml)")
	f.StringVar(&cf.cfg.DataDir, "data", cf.cfg.DataDir, "data dir: JetStream store, token key, evidence")
	f.StringVar(&cf.cfg.HTTP.Addr, "http", cf.cfg.HTTP.Addr, "HTTP API listen address")
	f.StringVar(&cf.cfg.NATS.Listen, "nats", cf.cfg.NATS.Listen, "embedded NATS client listen address")
	f.StringVar(&cf.cfg.NATS.URL, "nats-url", "", "external NATS URL (skips the embedded server)")
	f.StringVar(&cf.cfg.NATS.CredsFile, "nats-creds", "", "the .creds file for --nats-url: the user of this node's roles (earshot creds --role ingest,scan); checked at start")
	f.StringVar(&cf.cfg.Lexicon.File, "lexicon", "", "lexicon YAML file (default: the shipped lexicon)")
	f.StringVar(&cf.cfg.Recognizer.Engine, "recognizer", cf.cfg.Recognizer.Engine, "ASR engine: "+app.EnginesHelp())
	f.StringVar(&cf.cfg.LogLevel, "log-level", cf.cfg.LogLevel, "debug, info, warn or error")
	f.StringVar(&cf.roles, "roles", strings.Join(config.Roles, ","), "this node's roles: some of "+strings.Join(config.Roles, ",")+" (docs/scaling.md)")
	return cf
}

// load layers file, env and explicitly set flags, in that order.
func (cf *configFlags) load(cmd *cobra.Command) (config.Config, error) {
	flagged := cf.cfg
	cfg := config.Default()
	if cf.file != "" {
		if err := cfg.LoadFile(cf.file); err != nil {
			return cfg, err
		}
	}
	if err := cfg.ApplyEnv(os.Getenv); err != nil {
		return cfg, err
	}
	set := func(name string, dst *string, v string) {
		if cmd.Flags().Changed(name) {
			*dst = v
		}
	}
	set("data", &cfg.DataDir, flagged.DataDir)
	set("http", &cfg.HTTP.Addr, flagged.HTTP.Addr)
	set("nats", &cfg.NATS.Listen, flagged.NATS.Listen)
	set("nats-url", &cfg.NATS.URL, flagged.NATS.URL)
	set("nats-creds", &cfg.NATS.CredsFile, flagged.NATS.CredsFile)
	set("lexicon", &cfg.Lexicon.File, flagged.Lexicon.File)
	set("recognizer", &cfg.Recognizer.Engine, flagged.Recognizer.Engine)
	set("log-level", &cfg.LogLevel, flagged.LogLevel)
	if cmd.Flags().Changed("roles") {
		roles, err := config.ParseRoles(cf.roles)
		if err != nil {
			return cfg, err
		}
		cfg.Cluster.Roles = roles
	}
	return cfg, cfg.Validate()
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

func defaultDataDir() string {
	if v := os.Getenv("EARSHOT_DATA"); v != "" {
		return v
	}
	return config.Default().DataDir
}
