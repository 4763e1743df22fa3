package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jiesu/jiesu/internal/cases"
)

const attachmentColumns = `id, case_id, kind, platform, media_id, source_ref, state, path, content_type,
	size, sha256, attempts, last_error, created_at, stored_at`

func scanAttachment(row scanner) (cases.Attachment, error) {
	var a cases.Attachment
	err := row.Scan(&a.ID, &a.CaseID, &a.Kind, &a.Platform, &a.MediaID, &a.SourceRef, &a.State, &a.Path,
		&a.ContentType, &a.Size, &a.SHA256, &a.Attempts, &a.LastError, timeCol{&a.CreatedAt}, timeCol{&a.StoredAt})
	return a, err
}

// AddAttachment links a file to a case. An attachment from the same
// platform message is added once: a retry returns the first with
// created=false.
func (s *Store) AddAttachment(ctx context.Context, a cases.Attachment) (cases.Attachment, bool, error) {
	if a.CaseID == 0 || a.Kind == "" || a.State == "" {
		return cases.Attachment{}, false, errors.New("add attachment: case, kind and state are required")
	}
	row := s.db.QueryRowContext(ctx, `INSERT INTO case_attachments
		(case_id, kind, platform, media_id, source_ref, state, path, content_type, size, sha256, created_at, stored_at)
		VALUES `+values(0, 1, 12)+`
		ON CONFLICT DO NOTHING RETURNING `+attachmentColumns,
		a.CaseID, a.Kind, a.Platform, a.MediaID, a.SourceRef, a.State, a.Path, a.ContentType, a.Size, a.SHA256,
		s.d.time(a.CreatedAt), s.d.time(a.StoredAt))
	got, err := scanAttachment(row)
	if err == nil {
		return got, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) || a.SourceRef == "" {
		return cases.Attachment{}, false, fmt.Errorf("add attachment to case %d: %w", a.CaseID, err)
	}
	got, err = scanAttachment(s.db.QueryRowContext(ctx, `SELECT `+attachmentColumns+` FROM case_attachments
		WHERE platform = $1 AND source_ref = $2`, a.Platform, a.SourceRef))
	if err != nil {
		return cases.Attachment{}, false, fmt.Errorf("add attachment to case %d: %w", a.CaseID, err)
	}
	return got, false, nil
}

// MarkAttachmentStored records that a pending attachment's file is in the
// store.
func (s *Store) MarkAttachmentStored(ctx context.Context, a cases.Attachment, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE case_attachments SET state = 'stored', path = $2, content_type = $3,
		size = $4, sha256 = $5, stored_at = $6, attempts = attempts + 1, last_error = ''
		WHERE id = $1`, a.ID, a.Path, a.ContentType, a.Size, a.SHA256, s.d.time(now))
	if err != nil {
		return fmt.Errorf("mark attachment %d stored: %w", a.ID, err)
	}
	return nil
}

// MarkAttachmentFailed counts a failed download; giveUp makes it final.
func (s *Store) MarkAttachmentFailed(ctx context.Context, id int64, errText string, giveUp bool) error {
	state := cases.AttachmentPending
	if giveUp {
		state = cases.AttachmentFailed
	}
	_, err := s.db.ExecContext(ctx, `UPDATE case_attachments SET state = $2, last_error = $3, attempts = attempts + 1
		WHERE id = $1 AND state = 'pending'`, id, state, errorTextLimit(errText))
	if err != nil {
		return fmt.Errorf("mark attachment %d failed: %w", id, err)
	}
	return nil
}

// Attachments returns a case's attachments, oldest first.
func (s *Store) Attachments(ctx context.Context, caseID int64) ([]cases.Attachment, error) {
	return s.queryAttachments(ctx, `SELECT `+attachmentColumns+` FROM case_attachments WHERE case_id = $1 ORDER BY id`, caseID)
}

// PendingAttachments returns up to limit attachments still to download,
// oldest first.
func (s *Store) PendingAttachments(ctx context.Context, limit int) ([]cases.Attachment, error) {
	return s.queryAttachments(ctx, `SELECT `+attachmentColumns+` FROM case_attachments
		WHERE state = 'pending' ORDER BY id LIMIT $1`, limit)
}

func (s *Store) queryAttachments(ctx context.Context, q string, args ...any) ([]cases.Attachment, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	defer rows.Close()
	var out []cases.Attachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, fmt.Errorf("attachments: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// errorTextLimit keeps an error short enough for a row and valid UTF-8.
func errorTextLimit(s string) string {
	const max = 500
	if len(s) <= max {
		return s
	}
	r := []rune(s[:max])
	return string(r[:len(r)-1])
}
