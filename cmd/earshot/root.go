package main

import (
	"github.com/spf13/cobra"
)

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "earshot",
		Short:         "Real-time compliance monitor for live-commerce broadcast speech",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newScanCmd(), newServeCmd(), newWatchCmd(), newLexiconCmd(), newTokenCmd(),
		newEvalCmd(), newCorpusCmd(), newRoomsCmd(), newCredsCmd())
	root.AddCommand(newSearchCmd())
	root.AddCommand(newClusterCmd())  // cluster.go: earshot cluster status
	root.AddCommand(newKWSCmd())      // kws.go: keyphrases derived from the lexicon, threshold tuning
	root.AddCommand(newWebhooksCmd()) // webhooks.go: endpoints and deliveries
	return root
}
