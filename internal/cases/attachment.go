package cases

import "time"

// Attachment states.
const (
	AttachmentPending = "pending" // to be downloaded from the platform
	AttachmentStored  = "stored"  // in the attachment store at Path
	AttachmentRemote  = "remote"  // kept as the platform's media id only (voice: its text is the content)
	AttachmentFailed  = "failed"  // gave up downloading
)

// Attachment is a file a complainant sent with a case.
type Attachment struct {
	ID          int64
	CaseID      int64
	Kind        string // image, voice
	Platform    string
	MediaID     string // the platform's id, for downloading
	SourceRef   string // the platform message it came with; one attachment per message
	State       string
	Path        string // in the attachment store
	ContentType string
	Size        int64
	SHA256      string
	Attempts    int
	LastError   string
	CreatedAt   time.Time
	StoredAt    time.Time
}
