package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/auth"
)

func newTokenCmd() *cobra.Command {
	var dataDir, room, role string
	var ttl time.Duration
	cmd := &cobra.Command{
		Use:   "token (--room R | --role policy|compliance)",
		Short: "Print a bearer token signed with the data dir's key",
		Long: "A room token lets an anchor publish over WHIP and open the room's overlay;\n" +
			"a role token opens the policy or compliance API. The key lives in DATA/" + auth.KeyFile + ".",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			claims, err := tokenClaims(room, role)
			if err != nil {
				return err
			}
			if ttl > 0 {
				claims.Expires = time.Now().Add(ttl).Unix()
			}
			signer, err := auth.LoadOrCreate(dataDir)
			if err != nil {
				return err
			}
			tok, err := signer.Sign(claims)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), tok)
			return nil
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", defaultDataDir(), "data dir holding the signing key (same as serve --data)")
	cmd.Flags().StringVar(&room, "room", "", "room the token is for")
	cmd.Flags().StringVar(&role, "role", "", "role: anchor (with --room), policy or compliance")
	cmd.Flags().DurationVar(&ttl, "ttl", 0, "lifetime (0 = no expiry)")
	return cmd
}

func tokenClaims(room, role string) (auth.Claims, error) {
	switch {
	case room != "" && (role == "" || role == "anchor"):
		if err := alerter.ValidRoomID(room); err != nil {
			return auth.Claims{}, err
		}
		return auth.Claims{Room: room, Role: "anchor"}, nil
	case room == "" && (role == "policy" || role == "compliance"):
		return auth.Claims{Role: role}, nil
	case room == "" && role == "":
		return auth.Claims{}, fmt.Errorf("token: give --room R or --role policy|compliance")
	default:
		return auth.Claims{}, fmt.Errorf("token: --role %q does not go with --room %q", role, room)
	}
}
