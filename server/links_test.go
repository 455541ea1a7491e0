package server

import (
	"context"
	"errors"

	"github.com/earshot/earshot/links"
)

// noLinks is a LinkService whose store is unreachable: the route table and
// guard tests need the routes served, not answered.
type noLinks struct{}

var errNoLinks = errors.New("links: no store in this test")

func (noLinks) PutBan(context.Context, links.Ban) (links.Ban, error) { return links.Ban{}, errNoLinks }
func (noLinks) LiftBan(context.Context, links.Account) error         { return errNoLinks }
func (noLinks) Bans(context.Context) ([]links.Ban, error)            { return nil, errNoLinks }
func (noLinks) ViewOf(context.Context, links.Account) (links.View, error) {
	return links.View{}, errNoLinks
}
func (noLinks) PutBenign(context.Context, links.Benign) (links.Benign, error) {
	return links.Benign{}, errNoLinks
}
func (noLinks) LiftBenign(context.Context, string) error        { return errNoLinks }
func (noLinks) Benigns(context.Context) ([]links.Benign, error) { return nil, errNoLinks }
func (noLinks) HashOf(v string) (string, bool)                  { return "", v != "" }
