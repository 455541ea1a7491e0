package lexicon

import (
	"strings"

	"github.com/earshot/earshot/analysis"
	"github.com/earshot/earshot/analysis/pinyin"
)

// guards are exact phrases around a hit that show it is a false positive.
type guards struct {
	followed, preceded, inside [][]elem
}

// builtinFollowers guard classic false positives of short absolute words,
// keyed by the pattern's normalized ending: 最近 (recently) is not 最, 第一次
// (the first time) is not 第一. They apply on top of a rule's own lists.
var builtinFollowers = map[string][]string{
	"最":   {"近", "后", "初", "终", "早", "晚", "多", "少"},
	"第 1": {"次", "天", "步", "时间", "批", "波", "期", "集", "轮", "眼", "口", "回", "位客人"},
}

// builtinInside cancels hits of a category that overlap the platform's own
// words: 小黄车 is the platform's cart, so "上小黄车" is not off-platform.
var builtinInside = map[string][]string{
	"private-goods": {"小黄车", "购物车", "小店", "橱窗"},
}

// cache holds the guard phrases compiled so far (elements are read-only
// once compiled): the built-in ones recur in every pattern they apply to,
// and at 10,000 rules compiling each again was a quarter of the engine's
// memory.
func compileGuards(p Pattern, category string, key string, py *pinyin.Table, cache map[string][]elem) guards {
	exact := func(list []string) [][]elem {
		var out [][]elem
		for _, s := range list {
			els, ok := cache[s]
			if !ok {
				els = compilePhrase(s, false, false, py)
				cache[s] = els
			}
			if len(els) > 0 {
				out = append(out, els)
			}
		}
		return out
	}
	follow := p.NotFollowedBy
	for suffix, extra := range builtinFollowers {
		if key == suffix || strings.HasSuffix(key, " "+suffix) {
			follow = append(append([]string(nil), follow...), extra...)
		}
	}
	inside := append(append([]string(nil), p.NotInside...), builtinInside[category]...)
	return guards{followed: exact(follow), preceded: exact(p.NotPrecededBy), inside: exact(inside)}
}

// exactAt reports whether els match toks exactly starting at k.
func exactAt(els []elem, toks []analysis.Token, k int) bool {
	if k < 0 || k+len(els) > len(toks) {
		return false
	}
	for i := range els {
		if !sameToken(&els[i].tok, &toks[k+i]) {
			return false
		}
	}
	return true
}

func sameToken(a, b *analysis.Token) bool {
	if a.Kind == analysis.Han && b.Kind == analysis.Han {
		return a.Han == b.Han
	}
	if a.Digits != "" && a.Digits == b.Digits {
		return true
	}
	return a.Kind == b.Kind && a.Text == b.Text
}

// blocked says which guard, if any, cancels a hit on toks[s:e].
func (g guards) blocked(toks []analysis.Token, s, e int) string {
	for _, els := range g.followed {
		if exactAt(els, toks, e) {
			return "not_followed_by " + joinKey(els)
		}
	}
	for _, els := range g.preceded {
		if exactAt(els, toks, s-len(els)) {
			return "not_preceded_by " + joinKey(els)
		}
	}
	for _, els := range g.inside {
		for k := s - len(els) + 1; k < e; k++ {
			if exactAt(els, toks, k) {
				return "not_inside " + joinKey(els)
			}
		}
	}
	return ""
}
