package natsauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/keyfile"
)

// User says who to mint credentials for.
type User struct {
	Role Role
	// Room is the anchor's room (RoleAnchor), or the one room a platform
	// publisher may feed (RolePlatformRoom).
	Room string
	// Name labels a non-anchor user (e.g. "scan-3"); default the role.
	Name string
	// TTL overrides the role's default lifetime; 0 keeps the default.
	TTL time.Duration
	// NoExpiry mints a user that never expires (only for services).
	NoExpiry bool
}

// roomScoped: the role's permissions name one room, the user's name.
func (r Role) roomScoped() bool { return r == RoleAnchor || r == RolePlatformRoom }

// Anchor is the user for room's anchor.
func Anchor(room string) User { return User{Role: RoleAnchor, Room: room} }

// Compliance is a compliance reader.
func Compliance() User { return User{Role: RoleCompliance} }

// Trust is a reader of merchants' trust scores (a recommendation system).
func Trust() User { return User{Role: RoleTrust} }

// Service is an earshot process.
func Service() User { return User{Role: RoleService} }

// Creds is a minted user: its JWT and nkey seed.
type Creds struct {
	JWT  string
	Seed []byte
	// Key is the user's public key: what Revoke takes.
	Key string
	// Expires is zero for a user that never expires.
	Expires time.Time
	Role    Role
	Room    string
	// Issuer is the public key of the signing key (a role's scoped key).
	Issuer string
}

// File is the standard decorated .creds file (what `nsc generate creds`
// writes and `nats --creds`, nats.UserCredentials read).
func (c Creds) File() ([]byte, error) {
	b, err := jwt.FormatUserConfig(c.JWT, c.Seed)
	if err != nil {
		return nil, fmt.Errorf("natsauth: formatting creds: %w", err)
	}
	return b, nil
}

// Option authenticates a nats.go connection as this user.
func (c Creds) Option() nats.Option { return nats.UserJWTAndSeed(c.JWT, string(c.Seed)) }

// validate checks the request against its role.
func (u User) validate() error {
	if _, ok := roles[u.Role]; !ok {
		_, err := ParseRole(string(u.Role))
		return err
	}
	switch {
	case u.Role.roomScoped():
		if err := alerter.ValidRoomID(u.Room); err != nil {
			return fmt.Errorf("natsauth: %s creds: %w", u.Role, err)
		}
	case u.Room != "":
		return fmt.Errorf("natsauth: a room (%q) goes only with role anchor or platform-room, not %s", u.Room, u.Role)
	}
	if u.TTL < 0 {
		return fmt.Errorf("natsauth: negative lifetime %s", u.TTL)
	}
	if u.NoExpiry && len(u.Role.Stages()) == 0 {
		return fmt.Errorf("natsauth: %s creds must expire (only service and cluster-role creds may be long-lived)", u.Role)
	}
	return nil
}

// Mint creates a new user key and its JWT, signed by the role's scoped
// key, and records it in issued.jsonl so it can be revoked by room.
func (a *Authority) Mint(u User) (Creds, error) {
	if err := u.validate(); err != nil {
		return Creds{}, err
	}
	c, err := a.mint(u)
	if err != nil {
		return Creds{}, err
	}
	if err := a.record(c); err != nil {
		return Creds{}, err
	}
	return c, nil
}

func (a *Authority) mint(u User) (Creds, error) {
	ukp, err := nkeys.CreateUser()
	if err != nil {
		return Creds{}, fmt.Errorf("natsauth: %w", err)
	}
	pub, err := ukp.PublicKey()
	if err != nil {
		return Creds{}, fmt.Errorf("natsauth: %w", err)
	}
	seed, err := ukp.Seed()
	if err != nil {
		return Creds{}, fmt.Errorf("natsauth: %w", err)
	}
	uc := jwt.NewUserClaims(pub)
	uc.IssuerAccount = a.pub.account
	uc.Name = u.Name
	switch {
	case u.Role.roomScoped():
		// The scope's subject template reads the room from the name.
		uc.Name = u.Room
		uc.Tags.Add("room:" + u.Room)
	case uc.Name == "":
		uc.Name = string(u.Role)
	}
	uc.Tags.Add("role:" + string(u.Role))
	now := a.now()
	uc.IssuedAt = now.Unix()
	ttl := u.TTL
	if ttl == 0 {
		ttl = roles[u.Role].ttl
	}
	var exp time.Time
	if !u.NoExpiry && ttl > 0 {
		exp = now.Add(ttl).Truncate(time.Second)
		uc.Expires = exp.Unix()
	}
	uc.SetScoped(true)
	token, err := uc.Encode(a.roles[u.Role])
	if err != nil {
		return Creds{}, fmt.Errorf("natsauth: user JWT: %w", err)
	}
	return Creds{JWT: token, Seed: seed, Key: pub, Expires: exp, Role: u.Role, Room: u.Room, Issuer: a.rolePub(u.Role)}, nil
}

// Issued is one line of issued.jsonl.
type Issued struct {
	At      time.Time `json:"at"`
	Key     string    `json:"key"`
	Role    Role      `json:"role"`
	Room    string    `json:"room,omitempty"`
	Expires time.Time `json:"expires,omitzero"`
}

func (a *Authority) record(c Creds) error {
	line, err := json.Marshal(Issued{At: a.now().UTC(), Key: c.Key, Role: c.Role, Room: c.Room, Expires: c.Expires})
	if err != nil {
		return fmt.Errorf("natsauth: %w", err)
	}
	if err := keyfile.Append(filepath.Join(a.dir, fileIssued), append(line, '\n')); err != nil {
		return fmt.Errorf("natsauth: recording issued creds: %w", err)
	}
	return nil
}

// ServiceCreds returns the service user earshot's own processes connect
// as, stored in service.creds. It is minted (long-lived) on first use and
// again only if the file is gone, e.g. after it was revoked; a file that
// this authority did not sign is an error.
func (a *Authority) ServiceCreds() (Creds, error) {
	path := filepath.Join(a.dir, fileServiceCreds)
	data, err := keyfile.Read(path)
	if errors.Is(err, keyfile.ErrMissing) {
		c, err := a.Mint(User{Role: RoleService, Name: "earshot", NoExpiry: true})
		if err != nil {
			return Creds{}, err
		}
		file, err := c.File()
		if err != nil {
			return Creds{}, err
		}
		if err := keyfile.Create(path, file); err != nil {
			// Someone else minted it at the same moment: use theirs.
			if keyfile.Exists(path) {
				return a.ServiceCreds()
			}
			return Creds{}, err
		}
		return c, nil
	}
	if err != nil {
		return Creds{}, fmt.Errorf("natsauth: %w", err)
	}
	c, err := ParseCreds(data)
	if err != nil {
		return Creds{}, fmt.Errorf("natsauth: %s: %w", path, err)
	}
	if c.Issuer != a.rolePub(RoleService) {
		return Creds{}, fmt.Errorf("natsauth: %s was not signed by this data dir's service key", path)
	}
	return c, nil
}

func (a *Authority) rolePub(r Role) string {
	pub, _ := a.roles[r].PublicKey()
	return pub
}

// ParseCreds reads a decorated .creds file.
func ParseCreds(data []byte) (Creds, error) {
	token, err := jwt.ParseDecoratedJWT(data)
	if err != nil {
		return Creds{}, fmt.Errorf("not a creds file: %w", err)
	}
	uc, err := jwt.DecodeUserClaims(token)
	if err != nil {
		return Creds{}, fmt.Errorf("not a user JWT: %w", err)
	}
	kp, err := jwt.ParseDecoratedNKey(data)
	if err != nil {
		return Creds{}, fmt.Errorf("no user seed: %w", err)
	}
	seed, err := kp.Seed()
	if err != nil {
		return Creds{}, fmt.Errorf("no user seed: %w", err)
	}
	if pub, _ := kp.PublicKey(); pub != uc.Subject {
		return Creds{}, errors.New("seed and JWT are of different users")
	}
	c := Creds{JWT: token, Seed: seed, Key: uc.Subject, Issuer: uc.Issuer}
	if uc.Expires > 0 {
		c.Expires = time.Unix(uc.Expires, 0)
	}
	for _, t := range uc.Tags {
		if r, ok := strings.CutPrefix(t, "role:"); ok {
			c.Role = Role(r)
		}
	}
	if c.Role.roomScoped() {
		c.Room = uc.Name
	}
	return c, nil
}
