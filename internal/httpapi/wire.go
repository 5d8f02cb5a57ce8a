package httpapi

import (
	"time"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/model"
)

// The bodies the handlers read and write that are not a service's own
// type: each is a schema of openapi.json (schemas.go names them), so the
// document follows what is encoded.

// workspaceRequest is POST /api/admin/workspaces's body.
type workspaceRequest struct {
	Name string `json:"name"`
}

// issueRequest is POST /v1/issues's body.
type issueRequest struct {
	Message string `json:"message"`
}

// messageRequest is the body of a message, the user's or an agent's.
type messageRequest struct {
	Body string `json:"body"`
}

// retireRequest is POST /api/admin/apps/{app}/keys/{key}/retire's body.
type retireRequest struct {
	GraceSeconds *int64 `json:"grace_seconds"`
}

// setupTestRequest is the proof "Test your setup" checks.
type setupTestRequest struct {
	UserID        string `json:"user_id"`
	Email         string `json:"email"`
	UserHash      string `json:"user_hash"`
	IdentityToken string `json:"identity_token"`
}

// createdIssue is a new issue with its first message.
type createdIssue struct {
	sdkIssue
	Messages []sdkMessage `json:"messages"`
}

// issueDetail is an issue as an agent reads it.
type issueDetail struct {
	Issue    *model.Issue    `json:"issue"`
	User     userPanel       `json:"user"`
	Messages []model.Message `json:"messages"`
}

// agentMessageEvent is the agent stream's message event.
type agentMessageEvent struct {
	Issue   *model.Issue   `json:"issue"`
	Message *model.Message `json:"message"`
}

// streamNotice is a stream's bye or resync event.
type streamNotice struct {
	Reason string `json:"reason"`
}

// streamSessionEnded is the session stream's last event.
type streamSessionEnded struct {
	Code model.Code `json:"code"`
}

// health is GET /healthz's answer.
type health struct {
	Status  string `json:"status"`
	Version string `json:"version"`
}

// readiness is GET /readyz's answer.
type readiness struct {
	Status string `json:"status"`
}

// endedSessions counts the sessions a revocation ended.
type endedSessions struct {
	Ended int `json:"ended"`
}

// rolloutReadiness is GET /api/admin/apps/{app}/readiness's answer.
type rolloutReadiness struct {
	AppID       string            `json:"app_id"`
	Enforcement model.Enforcement `json:"enforcement"`
	Days        int               `json:"days"`
	Since       time.Time         `json:"since"`
	Truncated   bool              `json:"truncated"`
	Buckets     []readinessBucket `json:"buckets"`
}

// The lists: one field, never null.
type (
	workspaceList struct {
		Workspaces []model.Workspace `json:"workspaces"`
	}
	appList struct {
		Apps []model.App `json:"apps"`
	}
	keyList struct {
		Keys []admin.KeyView `json:"keys"`
	}
	tokenList struct {
		Tokens []model.APIToken `json:"tokens"`
	}
	accountList struct {
		Accounts []model.Account `json:"accounts"`
	}
	userList struct {
		Users []model.User `json:"users"`
	}
	sessionList struct {
		Sessions []model.Session `json:"sessions"`
	}
	attemptList struct {
		Attempts []model.Attempt `json:"attempts"`
	}
	conflictList struct {
		Conflicts []model.IdentityConflict `json:"conflicts"`
	}
	auditList struct {
		Entries []model.AuditEntry `json:"entries"`
	}
	sdkIssueList struct {
		Issues []sdkIssue `json:"issues"`
	}
	sdkMessageList struct {
		Messages []sdkMessage `json:"messages"`
	}
	issueList struct {
		Issues []model.Issue `json:"issues"`
	}
	messageList struct {
		Messages []model.Message `json:"messages"`
	}
)

// keyCreate is the body of POST …/keys: {} to generate a secret, a secret
// to import (admin.KeyRequest), or a public key with its algorithm
// (admin.PublicKeyRequest).
type keyCreate struct {
	Secret    *string `json:"secret"`
	Force     bool    `json:"force"`
	Algorithm *string `json:"algorithm"`
	PublicKey *string `json:"public_key"`
}
