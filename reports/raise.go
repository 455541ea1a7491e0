package reports

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/earshot/earshot/alerter"
)

// The transcript a viewer-reports alert quotes: from transcriptBeforeMs
// before the first reported moment to transcriptAfterMs after the last,
// at most maxLines utterances of at most maxLineRunes characters.
const (
	transcriptBeforeMs = 30000
	transcriptAfterMs  = 5000
	maxLines           = 20
	maxLineRunes       = 500
	maxContextRunes    = 2000
	// transcriptWaits times transcriptWait is how long a burst waits for
	// its moment's words to be indexed.
	transcriptWaits = 10
	transcriptWait  = 500 * time.Millisecond
)

// raise stores the viewer-reports alert of burst b through the normal
// sink (StaffOnly: the anchor gets no reminder) and links it to its
// reporters and to the rule alerts it corroborates.
func (s *Service) raise(ctx context.Context, b Burst) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	sum := b.Summary
	sum.Transcript = s.transcriptAround(ctx, b)
	// The store indexes in batches: a burst right after the words were
	// spoken may come before they are searchable. Wait a little for them.
	for wait := 0; s.opts.Transcripts != nil && !covers(sum.Transcript, sum.FromMs) && wait < transcriptWaits; wait++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(transcriptWait):
		}
		sum.Transcript = s.transcriptAround(ctx, b)
	}
	sum.Weight = math.Round(sum.Weight*1e4) / 1e4 // 2.1429, not 2.1428571428571423
	a := alerter.Alert{
		ID: alerter.NewID(s.opts.Now()), Room: b.Room, Anchor: b.Anchor, Merchant: b.Merchant,
		RuleID: alerter.CategoryViewerReports, Category: alerter.CategoryViewerReports, Severity: "medium",
		Pattern: alerter.CategoryViewerReports, Via: alerter.CategoryViewerReports, Score: sum.Weight,
		MatchedText: topCategory(sum.Categories), Session: b.Session, Final: true,
		StartMs: sum.FromMs, EndMs: sum.ToMs, StaffOnly: true, Reports: &sum,
		Policy: fmt.Sprintf("%d viewers reported this moment (weight %.2f of %.2f needed); reports are signals, not verdicts",
			sum.Reporters, sum.Weight, sum.Threshold),
	}
	if sum.Weight >= 2*sum.Threshold {
		a.Severity = "high"
	}
	var texts []string
	nearest := int64(-1)
	for _, l := range sum.Transcript {
		texts = append(texts, l.Text)
		if d := abs(l.StartMs - sum.FromMs); nearest < 0 || d < nearest {
			nearest, a.Utterance = d, l.Utterance
		}
	}
	a.Context = clipRunes(strings.Join(texts, " "), maxContextRunes)
	if err := s.opts.Sink.Send(ctx, a); err != nil {
		return err
	}
	if err := s.link(ctx, a.ID, func(l *Link) {
		for _, r := range b.Reporters {
			l.add(r, 0)
		}
		l.Reports, l.Weight = sum.Reports, sum.Weight
	}); err != nil {
		return fmt.Errorf("linking alert %s to its reporters: %w", a.ID, err)
	}
	for _, id := range sum.Corroborates {
		if err := s.link(ctx, id, func(l *Link) { l.ViewerAlert = a.ID }); err != nil {
			return err
		}
	}
	s.opts.Logger.Info("viewer-reports alert", "room", b.Room, "alert", a.ID, "reporters", sum.Reporters, "weight", sum.Weight)
	return nil
}

// transcriptAround reads the room's stored utterances around the burst's
// moments (the same session's), oldest first.
func (s *Service) transcriptAround(ctx context.Context, b Burst) []alerter.TranscriptLine {
	pos, ok := s.track.position(b.Room)
	if s.opts.Transcripts == nil || !ok {
		return nil
	}
	from, to := b.Summary.FromMs-transcriptBeforeMs, b.Summary.ToMs+transcriptAfterMs
	recs, err := s.opts.Transcripts.Around(ctx, b.Room, pos.wallOf((from+to)/2), 2*time.Minute, 2*time.Minute)
	if err != nil {
		s.opts.Logger.Warn("no transcript for a viewer-reports alert", "room", b.Room, "err", err)
		return nil
	}
	var out []alerter.TranscriptLine
	for _, r := range recs {
		if (b.Session != "" && r.Session != b.Session) || r.EndMs < from || r.StartMs > to {
			continue
		}
		out = append(out, alerter.TranscriptLine{Utterance: r.Utterance, StartMs: r.StartMs, EndMs: r.EndMs, Text: clipRunes(r.Text, maxLineRunes)})
	}
	slices.SortFunc(out, func(a, b alerter.TranscriptLine) int { return int(a.StartMs - b.StartMs) })
	if len(out) > maxLines { // keep the lines nearest the moment
		mid := slices.IndexFunc(out, func(l alerter.TranscriptLine) bool { return l.EndMs >= b.Summary.FromMs })
		lo := max(0, min(mid-maxLines/2, len(out)-maxLines))
		out = out[lo : lo+maxLines]
	}
	return out
}

// covers reports whether lines include what was said up to ms (the
// reported moment, or the few seconds before it viewers react to).
func covers(lines []alerter.TranscriptLine, ms int64) bool {
	for _, l := range lines {
		if l.StartMs <= ms && l.EndMs >= ms-transcriptBeforeMs {
			return true
		}
	}
	return false
}

func topCategory(c map[string]int) string {
	best, n := "", 0
	for k, v := range c {
		if v > n || v == n && k < best {
			best, n = k, v
		}
	}
	return best
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
