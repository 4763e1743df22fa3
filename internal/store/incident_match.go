package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/jiesu/jiesu/internal/cases"
	"github.com/jiesu/jiesu/internal/textsim"
)

// text is a case's id and content, for comparing it with another's, and
// its state.
type text struct {
	id      int64
	content string
	state   cases.State
}

// match is why a case joins an incident: the case whose text is most like
// its own, and how alike, in percent. Zero when texts are not compared.
type match struct {
	similarTo  int64
	similarity int
}

// closest returns the case of others whose text is most like content,
// leaving out the place's words, which every case of the key shares, and
// whether it is alike enough to be about the same problem. With no
// threshold set, texts are not compared and any company will do.
func (g Grouping) closest(content, place string, others []text) (match, bool) {
	if g.MinSimilarity <= 0 {
		return match{}, len(others) > 0
	}
	mine := textsim.Of(content, place)
	best, bestScore := int64(0), -1.0
	for _, o := range others {
		if s := mine.Similarity(textsim.Of(o.content, place)); s > bestScore {
			best, bestScore = o.id, s
		}
	}
	if best == 0 || !textsim.Alike(bestScore, g.MinSimilarity) {
		return match{}, false
	}
	return match{similarTo: best, similarity: int(math.Round(bestScore * 100))}, true
}

// company picks, from a key's peers, those about the same problem as c,
// each with why; and c itself, matched with the closest of them, last.
// None when no peer is alike enough.
func (g Grouping) company(c cases.Case, place string, peers []peer) []peer {
	self := text{id: c.ID, content: c.Content}
	var out []peer
	var alike []text
	for _, p := range peers {
		if m, ok := g.closest(p.content, place, []text{self}); ok {
			p.match = m
			out = append(out, p)
			alike = append(alike, text{id: p.id, content: p.content})
		}
	}
	m, ok := g.closest(c.Content, place, alike)
	if !ok {
		return nil
	}
	return append(out, peer{id: c.ID, state: c.State, registered: c.RegisteredAt, content: c.Content, match: m})
}

// joining is c as a member of the open incident whose cases' texts are
// others, if it is about the same problem as one of them.
func (g Grouping) joining(c cases.Case, place string, others []text) (peer, bool) {
	m, ok := g.closest(c.Content, place, others)
	return peer{id: c.ID, state: c.State, registered: c.RegisteredAt, content: c.Content, match: m}, ok
}

// memberTexts reads the texts and states of the cases in incident id.
func (s *Store) memberTexts(ctx context.Context, tx *sql.Tx, id int64) ([]text, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.content, c.state FROM incident_cases ic
		JOIN cases c ON c.id = ic.case_id WHERE ic.incident_id = $1 ORDER BY c.id`, id)
	if err != nil {
		return nil, fmt.Errorf("texts of incident %d: %w", id, err)
	}
	defer rows.Close()
	out, err := scanTexts(rows)
	if err != nil {
		return nil, fmt.Errorf("texts of incident %d: %w", id, err)
	}
	return out, nil
}

func scanTexts(rows rowScanner) ([]text, error) {
	var out []text
	for rows.Next() {
		var t text
		if err := rows.Scan(&t.id, &t.content, &t.state); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
