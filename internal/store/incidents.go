package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

// Grouping is the timing of incidents (sla.incident_*).
type Grouping struct {
	// Window: a case joins an open incident whose newest case was
	// registered at most this long before it.
	Window time.Duration
	// GroupWait holds an incident's first notice back from its opening.
	GroupWait time.Duration
	// GroupInterval spaces the notices of a growing incident.
	GroupInterval time.Duration
	// MinSimilarity is how alike, in percent (textsim), a case's text must
	// be to one of an incident's to join it; 0 compares no texts.
	MinSimilarity int
}

const incidentColumns = `id, lead_unit, category, place, opened_at, last_case_at, closed_at,
	notified_count, notified_at, next_notice_at`

// scanIncident reads incidentColumns, then any extra columns into extra.
func scanIncident(row scanner, extra ...any) (cases.Incident, error) {
	var inc cases.Incident
	err := row.Scan(append([]any{&inc.ID, &inc.LeadUnit, &inc.Category, &inc.Place, timeCol{&inc.OpenedAt},
		timeCol{&inc.LastCaseAt}, timeCol{&inc.ClosedAt}, &inc.NotifiedCount, timeCol{&inc.NotifiedAt},
		timeCol{&inc.NextNoticeAt}}, extra...)...)
	return inc, err
}

// forUpdate locks the rows a read inside a transaction returns, on
// PostgreSQL; SQLite's transactions hold the whole database anyway.
func (d dialect) forUpdate() string {
	if d.postgres() {
		return " FOR UPDATE"
	}
	return ""
}

// CreateOption adjusts CreateCase.
type CreateOption func(*createOptions)

type createOptions struct {
	group *Grouping
}

// groupKey is the key under which c, being registered, is grouped; false
// when it is not: grouping is off, or c lacks a unit, a category or a place,
// or is not dispatched (held for triage).
func (o createOptions) groupKey(c cases.Case) (cases.GroupKey, bool) {
	k, ok := cases.GroupKeyOf(c)
	return k, ok && o.group != nil && c.State == cases.StateDispatched
}

// Grouped has CreateCase put a dispatched case into its incident, in the
// registration's own transaction (see groupNew), so that whether the unit
// hears of the case on its own or through the incident is decided once.
func Grouped(g Grouping) CreateOption {
	return func(o *createOptions) { o.group = &g }
}

// eventIncidentRemove is the event of a case leaving its incident, by hand
// or with its unit's return.
const eventIncidentRemove = "incident_remove"

// lockGroupKeys takes, on PostgreSQL and until the commit, the locks of
// the incident keys of regs' grouped cases, so that no case of a key
// commits unseen by the peers groupNew reads. Registrations of one day
// already take turns at the day's counter row; the locks keep apart those
// of two days (around midnight) and the retries of one complaint. They come
// before the numbers and the cases' rows, so that a registration holding a
// complaint's row never waits for the lock of a retry holding it while
// waiting for the row; and in the keys' order, so that two batches never
// wait for each other. SQLite's transactions hold the whole database
// anyway.
func (s *Store) lockGroupKeys(ctx context.Context, tx *sql.Tx, regs []*registration) error {
	if !s.d.postgres() {
		return nil
	}
	var keys []string
	for _, reg := range regs {
		if k, ok := reg.o.groupKey(reg.out.Case); ok {
			keys = append(keys, k.String())
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	// unnest gives the keys in the array's order, and each row takes its
	// lock as it is produced.
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(`+keyLock("k")+`)
		FROM unnest($1::text[]) AS k`, keys); err != nil {
		return fmt.Errorf("lock incident keys: %w", err)
	}
	return nil
}

// keyLock is the advisory lock of the group key in the SQL text key.
// Advisory locks are per database: the schema keeps schemas (tests,
// tenants) apart.
func keyLock(key string) string {
	return `hashtextextended('jiesu incident ' || current_schema() || ' ' || ` + key + `, 0)`
}

// groupNew puts the newly inserted case c into its key's incident, opening
// one with the recent open cases of the key when there is none, and
// returns the messages of c's registration to queue: without its notices
// to the lead unit and the co-units when it joined, since the incident's
// notice counts it; and the events of the cases it put into the incident,
// as rows of eventsShape, for the caller to write.
// c stays on its own when it has no company within the window. An
// incident past its window, or with no open case left, is closed to new
// cases on the way. Concurrent registrations end in one incident: the
// unique index on open keys lets one open it and the others join it.
//
// Two registrations of one key committing at the same instant do not see
// each other; both go out on their own, and the next one groups them.
func (s *Store) groupNew(ctx context.Context, tx *sql.Tx, c cases.Case, msgs []cases.Message, o createOptions) ([]cases.Message, []any, error) {
	k, ok := o.groupKey(c)
	if !ok {
		return msgs, nil, nil
	}
	g, now := *o.group, c.RegisteredAt
	// writeCases took the key's lock (lockGroupKeys) before the case's row.
	inc, texts, err := s.openIncident(ctx, tx, k, c.ID, now, g.Window)
	if err != nil && !errors.Is(err, cases.ErrNotFound) {
		return nil, nil, err
	}
	var members []peer
	if err == nil {
		m, ok := g.joining(c, k.Place, texts)
		if !ok {
			return msgs, nil, nil // about another problem: on its own
		}
		members = []peer{m}
	} else {
		peers, err := s.peers(ctx, tx, k, c.ID, now.Add(-g.Window))
		if err != nil {
			return nil, nil, err
		}
		if members = g.company(c, k.Place, peers); len(members) == 0 {
			return msgs, nil, nil
		}
		if inc, err = s.insertIncident(ctx, tx, k, now); err != nil {
			return nil, nil, err
		}
	}
	events, err := s.addMembers(ctx, tx, &inc, members, "system", "incident_join", now, g)
	if err != nil {
		return nil, nil, err
	}
	return withoutUnitNotices(c, msgs), events, nil
}

// withoutUnitNotices drops the messages to c's lead unit and to its
// co-units: the incident's notice, which goes to them all, counts a case
// that joined it.
func withoutUnitNotices(c cases.Case, msgs []cases.Message) []cases.Message {
	kept := msgs[:0:0]
	for _, m := range msgs {
		if !(m.To.Kind == cases.ToUnit && (m.To.ID == c.LeadUnit || isCoUnit(c, m.To.ID))) {
			kept = append(kept, m)
		}
	}
	return kept
}

func isCoUnit(c cases.Case, unit string) bool {
	_, _, ok := c.CoUnit(unit)
	return ok
}

// openIncident returns the key's incident that c may join, locked, with
// its members' texts, closing it instead when it is past its window or has
// no open case left.
func (s *Store) openIncident(ctx context.Context, tx *sql.Tx, k cases.GroupKey, caseID int64, now time.Time, window time.Duration) (cases.Incident, []text, error) {
	inc, err := scanIncident(tx.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents
		WHERE group_key = $1 AND closed_at IS NULL`+s.d.forUpdate(), k.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Incident{}, nil, cases.ErrNotFound
	}
	if err != nil {
		return cases.Incident{}, nil, fmt.Errorf("open incident: %w", err)
	}
	// A statement of its own, after the lock: one that waited for the lock
	// would have looked at the members as they were before the wait.
	texts, err := s.memberTexts(ctx, tx, inc.ID)
	if err != nil {
		return cases.Incident{}, nil, err
	}
	if joinable(inc, openMember(texts, caseID), now, window) {
		return inc, texts, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE incidents SET closed_at = $2 WHERE id = $1`, inc.ID, s.d.time(now)); err != nil {
		return cases.Incident{}, nil, fmt.Errorf("close incident %d: %w", inc.ID, err)
	}
	return cases.Incident{}, nil, cases.ErrNotFound
}

// openMember says whether members has a case on the clock other than
// caseID.
func openMember(members []text, caseID int64) bool {
	for _, m := range members {
		if m.id != caseID && slices.Contains(cases.ClockStates, m.state) {
			return true
		}
	}
	return false
}

// joinable says whether a case registered at now may join inc: it still
// has an open case and its newest is within the window.
func joinable(inc cases.Incident, open bool, now time.Time, window time.Duration) bool {
	return open && !inc.LastCaseAt.Before(now.Add(-window))
}

// peer is an open case of a key that is in no incident yet.
type peer struct {
	id         int64
	state      cases.State
	registered time.Time
	content    string
	match      match // why it joins, when texts were compared
}

// peers returns the open cases of k registered since, in no incident,
// inserted before c: the cases of c's batch after it are written already,
// and group after it (writeCases).
func (s *Store) peers(ctx context.Context, tx *sql.Tx, k cases.GroupKey, caseID int64, since time.Time) ([]peer, error) {
	st := s.peersStmt(k, caseID, since)
	rows, err := tx.QueryContext(ctx, st.q, st.args...)
	if err != nil {
		return nil, fmt.Errorf("peers of %s: %w", k, err)
	}
	defer rows.Close()
	out, err := scanPeers(rows)
	if err != nil {
		return nil, fmt.Errorf("peers of %s: %w", k, err)
	}
	return out, nil
}

// peersStmt is the query of peers.
func (s *Store) peersStmt(k cases.GroupKey, caseID int64, since time.Time) stmt {
	q := `SELECT id, state, registered_at, content FROM cases c
		WHERE c.lead_unit = $1 AND c.category = $2 AND c.place = $3 AND c.place <> ''
		AND c.state IN ` + clockStatesSQL() + ` AND c.registered_at >= $4 AND c.id < $5
		AND NOT EXISTS (SELECT 1 FROM incident_cases ic WHERE ic.case_id = c.id)`
	return stmt{q: q + ` ORDER BY id`, args: []any{k.LeadUnit, k.Category, k.Place, s.d.time(since), caseID}}
}

// rowScanner is what database/sql's and pgx's rows have in common.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

func scanPeers(rows rowScanner) ([]peer, error) {
	var out []peer
	for rows.Next() {
		var p peer
		if err := rows.Scan(&p.id, &p.state, timeCol{&p.registered}, &p.content); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// insertIncident opens the key's incident, or, when a concurrent joiner
// opened it first, returns that one, locked.
func (s *Store) insertIncident(ctx context.Context, tx *sql.Tx, k cases.GroupKey, now time.Time) (cases.Incident, error) {
	inc, err := scanIncident(tx.QueryRowContext(ctx, `INSERT INTO incidents (group_key, lead_unit, category, place, opened_at, last_case_at)
		VALUES ($1, $2, $3, $4, $5, $5)
		ON CONFLICT (group_key) WHERE closed_at IS NULL DO NOTHING RETURNING `+incidentColumns,
		k.String(), k.LeadUnit, k.Category, k.Place, s.d.time(now)))
	if err == nil {
		return inc, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return cases.Incident{}, fmt.Errorf("open incident %s: %w", k, err)
	}
	inc, err = scanIncident(tx.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents
		WHERE group_key = $1 AND closed_at IS NULL`+s.d.forUpdate(), k.String()))
	if err != nil {
		return cases.Incident{}, fmt.Errorf("open incident %s: %w", k, err)
	}
	return inc, nil
}

// addMembers puts cases into inc (a case already in an incident stays where
// it is), plans the notice, and returns an event of kind on each one added,
// as rows of eventsShape, for the caller to write with others.
func (s *Store) addMembers(ctx context.Context, tx *sql.Tx, inc *cases.Incident, members []peer, by, kind string, now time.Time, g Grouping) ([]any, error) {
	added, err := s.insertMembers(ctx, tx, inc.ID, members, by, now)
	if err != nil || len(added) == 0 {
		return nil, err
	}
	var events []any
	for _, m := range members {
		if !added[m.id] {
			continue
		}
		if m.registered.After(inc.LastCaseAt) {
			inc.LastCaseAt = m.registered
		}
		a, err := s.eventArgs(m.id, memberEvent(*inc, m, by, kind, now))
		if err != nil {
			return nil, err
		}
		events = append(events, a...)
	}
	return events, s.replan(ctx, tx, inc, now, g)
}

// insertMembers puts cases into incident id in one statement and returns
// those it added; the case's unique membership refuses one that is in an
// incident already.
func (s *Store) insertMembers(ctx context.Context, tx *sql.Tx, id int64, members []peer, by string, now time.Time) (map[int64]bool, error) {
	args := make([]any, 0, 4*len(members))
	for _, m := range members {
		args = append(args, m.id, id, s.d.time(now), by)
	}
	st := s.rowsStmt(membersShape, args)
	if st.empty() {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, st.q, st.args...)
	if err != nil {
		return nil, fmt.Errorf("add cases to incident %d: %w", id, err)
	}
	defer rows.Close()
	added := map[int64]bool{}
	for rows.Next() {
		var caseID int64
		if err := rows.Scan(&caseID); err != nil {
			return nil, fmt.Errorf("add cases to incident %d: %w", id, err)
		}
		added[caseID] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("add cases to incident %d: %w", id, err)
	}
	return added, nil
}

// membersShape puts cases into an incident.
var membersShape = rowsShape{head: `INSERT INTO incident_cases (case_id, incident_id, added_at, added_by)`,
	tail: ` ON CONFLICT (case_id) DO NOTHING RETURNING case_id`, cols: 4}

// memberEvent is the event of a case put into inc, with the reason it
// joined when texts were compared: the case it is most like, and how much.
func memberEvent(inc cases.Incident, m peer, by, kind string, now time.Time) cases.Event {
	data := map[string]any{"incident": inc.ID, "place": inc.Place, "category": inc.Category}
	if m.match.similarTo != 0 {
		data["similar_to"], data["similarity"] = m.match.similarTo, m.match.similarity
	}
	return cases.Event{Kind: kind, Actor: by, At: now, From: m.state, To: m.state, Data: data}
}

// replan stores inc's newest case time and plans its next notice.
func (s *Store) replan(ctx context.Context, tx *sql.Tx, inc *cases.Incident, now time.Time, g Grouping) error {
	return s.replanStmt(inc, now, g).exec(ctx, tx, fmt.Sprintf("plan notice of incident %d", inc.ID))
}

// replanStmt plans inc's next notice and stores it with its newest case
// time.
func (s *Store) replanStmt(inc *cases.Incident, now time.Time, g Grouping) stmt {
	inc.ScheduleNotice(now, g.GroupWait, g.GroupInterval)
	return stmt{q: `UPDATE incidents SET last_case_at = $2, next_notice_at = $3 WHERE id = $1`,
		args: []any{inc.ID, s.d.time(inc.LastCaseAt), s.d.time(inc.NextNoticeAt)}}
}

// AddToIncident puts the case c into incident id by hand. The case must be
// on its unit's clock and the incident's unit's; ErrOtherIncident if it is
// in another incident. Adding a case already in it changes nothing.
func (s *Store) AddToIncident(ctx context.Context, id int64, c cases.Case, by string, now time.Time, g Grouping) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.lockIncident(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.LeadUnit != inc.LeadUnit || !c.State.OnClock() {
			return fmt.Errorf("case %s (%s, unit %q) and incident of unit %q: %w", c.Number, c.State, c.LeadUnit, inc.LeadUnit, cases.ErrNotGroupable)
		}
		var in int64
		err = tx.QueryRowContext(ctx, `SELECT incident_id FROM incident_cases WHERE case_id = $1`, c.ID).Scan(&in)
		switch {
		case err == nil && in == id:
			return nil
		case err == nil:
			return fmt.Errorf("case %s is in incident %d: %w", c.Number, in, cases.ErrOtherIncident)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("incident of case %d: %w", c.ID, err)
		}
		events, err := s.addMembers(ctx, tx, &inc, []peer{{id: c.ID, state: c.State, registered: c.RegisteredAt}}, by, "incident_add", now, g)
		if err != nil {
			return err
		}
		return s.rowsStmt(eventsShape, events).exec(ctx, tx, "append events")
	})
	if err != nil {
		return fmt.Errorf("add case %d to incident %d: %w", c.ID, id, err)
	}
	return nil
}

// leaveIncident takes a case its unit returned out of its incident, in the
// return's transaction: the incident is that unit's, and the case is no
// longer. Left in, it would show in the old unit's incident and carry the
// new unit's actions to the old unit's cases. Other transitions leave the
// membership as it is.
func (s *Store) leaveIncident(ctx context.Context, tx *sql.Tx, c cases.Case, events []cases.Event) error {
	i := slices.IndexFunc(events, func(e cases.Event) bool { return e.Kind == string(cases.ActionReturn) })
	if i < 0 {
		return nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `DELETE FROM incident_cases WHERE case_id = $1 RETURNING incident_id`, c.ID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("leave incident: %w", err)
	}
	ret := events[i]
	ev := cases.Event{Kind: eventIncidentRemove, Actor: ret.Actor, ActorUnit: ret.ActorUnit, At: ret.At, From: c.State, To: c.State,
		Data: map[string]any{"incident": id, "with": string(cases.ActionReturn)}}
	return s.insertEvents(ctx, tx, c.ID, []cases.Event{ev})
}

// RemoveFromIncident takes the case c out of incident id by hand; from then
// on it is handled, and chased, on its own. ErrNotFound if it is not in it.
func (s *Store) RemoveFromIncident(ctx context.Context, id int64, c cases.Case, by string, now time.Time, g Grouping) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.lockIncident(ctx, tx, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM incident_cases WHERE case_id = $1 AND incident_id = $2`, c.ID, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("case %s is not in it: %w", c.Number, cases.ErrNotFound)
		}
		ev := cases.Event{Kind: eventIncidentRemove, Actor: by, At: now, From: c.State, To: c.State,
			Data: map[string]any{"incident": id}}
		if err := s.insertEvents(ctx, tx, c.ID, []cases.Event{ev}); err != nil {
			return err
		}
		return s.replan(ctx, tx, &inc, now, g)
	})
	if err != nil {
		return fmt.Errorf("remove case %d from incident %d: %w", c.ID, id, err)
	}
	return nil
}

func (s *Store) lockIncident(ctx context.Context, tx *sql.Tx, id int64) (cases.Incident, error) {
	inc, err := scanIncident(tx.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE id = $1`+s.d.forUpdate(), id))
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Incident{}, fmt.Errorf("incident %d: %w", id, cases.ErrNotFound)
	}
	if err != nil {
		return cases.Incident{}, fmt.Errorf("incident %d: %w", id, err)
	}
	return inc, nil
}

// GetIncident returns incident id, or ErrNotFound.
func (s *Store) GetIncident(ctx context.Context, id int64) (cases.Incident, error) {
	inc, err := scanIncident(s.db.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Incident{}, fmt.Errorf("incident %d: %w", id, cases.ErrNotFound)
	}
	if err != nil {
		return cases.Incident{}, fmt.Errorf("incident %d: %w", id, err)
	}
	return inc, nil
}

// IncidentOf returns the incident case caseID is in, or ErrNotFound.
func (s *Store) IncidentOf(ctx context.Context, caseID int64) (cases.Incident, error) {
	inc, err := scanIncident(s.db.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents
		WHERE id = (SELECT incident_id FROM incident_cases WHERE case_id = $1)`, caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Incident{}, fmt.Errorf("incident of case %d: %w", caseID, cases.ErrNotFound)
	}
	if err != nil {
		return cases.Incident{}, fmt.Errorf("incident of case %d: %w", caseID, err)
	}
	return inc, nil
}

// IncidentCases returns the cases in incident id, with their co-units,
// oldest first, read in one snapshot.
func (s *Store) IncidentCases(ctx context.Context, id int64) ([]cases.Case, error) {
	list, err := s.queryCases(ctx, selectCase+` WHERE id IN (SELECT case_id FROM incident_cases WHERE incident_id = $1) ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("cases of incident %d: %w", id, err)
	}
	return list, nil
}
