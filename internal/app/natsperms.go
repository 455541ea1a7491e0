package app

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter/natsauth"
)

// natsPerms is what this node's NATS user may do, as the server says
// ($SYS.REQ.USER.INFO); nil means unrestricted or unknown (the embedded
// server's in-process service user, a server without accounts).
type natsPerms struct {
	user      string
	pub, sub  *server.SubjectPermission
	responses bool
	// inbox is the inbox prefix the connection uses (nats.go's
	// CustomInboxPrefix, "_INBOX" by default): its replies come there.
	inbox string
}

// allows reports whether the permission list lets subject (which may hold
// wildcards) through: an allow covering all of it, no deny touching it.
func allows(p *server.SubjectPermission, subject string) bool {
	if p == nil {
		return true
	}
	for _, d := range p.Deny {
		if server.SubjectsCollide(subject, d) {
			return false
		}
	}
	if len(p.Allow) == 0 {
		return true
	}
	for _, a := range p.Allow {
		if server.SubjectMatchesFilter(subject, a) {
			return true
		}
	}
	return false
}

// mayManage reports whether this node may create and update stream (a
// stream name or KV_<bucket>); otherwise it binds to it (jsscope.go).
func (p *natsPerms) mayManage(stream string) bool {
	return p == nil || (allows(p.pub, "$JS.API.STREAM.CREATE."+stream) && allows(p.pub, "$JS.API.STREAM.UPDATE."+stream))
}

// userInfo is the data of a $SYS.REQ.USER.INFO answer.
type userInfo struct {
	Data *struct {
		User        string              `json:"user"`
		Permissions *server.Permissions `json:"permissions"`
	} `json:"data"`
	Error *struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
	} `json:"error"`
}

// readNATSPerms asks the server what this connection may do. A server that
// does not answer the question (no system account) leaves them unknown; a
// user not allowed to ask is an error naming the permission.
func readNATSPerms(ctx context.Context, nc *nats.Conn) (*natsPerms, error) {
	msg, err := nc.RequestWithContext(ctx, natsauth.UserInfoSubject, nil)
	if errors.Is(err, nats.ErrNoResponders) {
		return nil, nil
	}
	if err != nil {
		if last := nc.LastError(); last != nil && errors.Is(last, nats.ErrPermissionViolation) && strings.Contains(last.Error(), natsauth.UserInfoSubject) {
			return nil, fmt.Errorf("the NATS user may not publish %s, which every earshot node needs to check its permissions at start (docs/nats-permissions.md): %w",
				natsauth.UserInfoSubject, last)
		}
		return nil, err
	}
	var ui userInfo
	if err := json.Unmarshal(msg.Data, &ui); err != nil {
		return nil, fmt.Errorf("reading %s: %w", natsauth.UserInfoSubject, err)
	}
	if ui.Error != nil || ui.Data == nil {
		return nil, nil // an older server: unknown
	}
	p := &natsPerms{user: ui.Data.User, inbox: nc.Opts.InboxPrefix}
	if p.inbox == "" {
		p.inbox = nats.InboxPrefix[:len(nats.InboxPrefix)-1]
	}
	if perms := ui.Data.Permissions; perms != nil {
		p.pub, p.sub, p.responses = perms.Publish, perms.Subscribe, perms.Response != nil
	}
	return p, nil
}

// missingPermissions lists what the stage roles need and p does not allow,
// each naming the role that needs it; earshot's own subjects first (they
// say most about the mix-up), the JetStream API after.
func missingPermissions(p *natsPerms, stages []string) []string {
	if p == nil {
		return nil
	}
	var out []string
	for _, st := range stages {
		need, ok := natsauth.PermissionsOf(natsauth.Role(st))
		if !ok {
			continue
		}
		for _, subj := range need.PubAllow {
			if !allows(p.pub, subj) {
				out = append(out, fmt.Sprintf("role %s needs publish %s", st, subj))
			}
		}
		for _, subj := range need.SubAllow {
			if subj == natsauth.NodeInboxTemplate+".>" {
				// What the node needs is the inbox it connected with: its
				// own (the server expanded the template with its key) or,
				// for the service user, _INBOX. A node on a cluster whose
				// account JWT predates the node inboxes is refused here,
				// not left with replies it may not read.
				subj = p.inbox + ".>"
			}
			if !allows(p.sub, subj) {
				out = append(out, fmt.Sprintf("role %s needs subscribe %s", st, subj))
			}
		}
		if need.Responses && !p.responses && !allows(p.pub, "_INBOX.>") {
			out = append(out, fmt.Sprintf("role %s needs allow-responses (it answers requests)", st))
		}
	}
	api := func(s string) int {
		if strings.Contains(s, " $") {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(out, func(a, b string) int { return cmp.Compare(api(a), api(b)) })
	return out
}

// checkNATSPermissions reads what this node's NATS user may do and refuses
// to start when its roles need more: failing now, naming the role and the
// permission, instead of a request that times out later.
func (s *Service) checkNATSPermissions(ctx context.Context) error {
	if s.nats != nil { // the embedded server: the in-process service user
		return nil
	}
	return s.retryStep(ctx, "NATS permissions", func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		p, err := readNATSPerms(ctx, s.nc)
		if err != nil {
			if errors.Is(err, nats.ErrPermissionViolation) {
				return fmt.Errorf("nats.creds_file %s: %w", s.cfg.NATS.CredsFile, err)
			}
			return err
		}
		if p == nil {
			s.log.Warn("the NATS server did not say what this node's user may do ($SYS.REQ.USER.INFO); its permissions are not checked at start")
		}
		if missing := missingPermissions(p, s.cfg.Cluster.Roles); len(missing) > 0 {
			return fmt.Errorf("the NATS user of nats.creds_file %s (%s) lacks permissions the roles of this node (%s) need; mint creds for them with `earshot creds --role %s` (docs/nats-permissions.md): %s",
				s.cfg.NATS.CredsFile, p.user, strings.Join(s.cfg.Cluster.Roles, ","), strings.Join(s.cfg.Cluster.Roles, ","), strings.Join(missing, "; "))
		}
		s.perms = p
		return nil
	})
}
