package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/signet-id/signet/internal/model"
)

// dayMillis is one UTC day in milliseconds: at / dayMillis is the day
// number since 1970-01-01 (integer division in both dialects; times are
// never before 1970).
const dayMillis = 86_400_000

// signedSQL and checkedSQL are model.Attempt.Signed and Checked over the
// attempts table's columns.
const (
	signedSQL  = `(result = 'verified' OR (result = 'rejected' AND reason = '' AND key_id <> ''))`
	checkedSQL = `(` + signedSQL + ` OR reason <> '')`
)

// Readiness counts an app's checked logins since `since` per UTC day,
// platform and app version, keeping the `versions` most checked versions
// apart and the others under model.OtherAppVersion. One query over the
// attempts_app index (app_id, at): the rows it returns are at most days ×
// platforms × (versions + 1), whatever the number of versions clients sent.
func (s *Store) Readiness(ctx context.Context, appID string, since time.Time, versions int) ([]model.ReadinessBucket, error) {
	if versions < 0 {
		return nil, model.Errorf(model.CodeInvalid, "versions must be 0 or more")
	}
	// (PostgreSQL sums bigints as numeric: the CASTs keep them integers.)
	// One scan of the window's checked attempts, grouped by day, platform
	// and version (g); the versions kept apart (top); then g again, every
	// other version renamed. g is small unless clients send many versions,
	// and the answer is bounded either way.
	rows, err := s.reader.QueryContext(ctx, `
		WITH g AS (
			SELECT at / `+fmt.Sprint(dayMillis)+` AS day, platform, app_version, count(*) AS total,
				sum(CASE WHEN `+signedSQL+` THEN 1 ELSE 0 END) AS verified, max(at) AS last
			FROM attempts
			WHERE app_id = $1 AND at >= $2 AND `+checkedSQL+`
			GROUP BY at / `+fmt.Sprint(dayMillis)+`, platform, app_version
		), top AS (
			SELECT app_version FROM g GROUP BY app_version
			ORDER BY sum(total) DESC, max(last) DESC, app_version LIMIT $3
		)
		SELECT day, platform, version, CAST(sum(total) AS BIGINT), CAST(sum(verified) AS BIGINT)
		FROM (
			SELECT day, platform, total, verified,
				CASE WHEN app_version IN (SELECT app_version FROM top) THEN app_version ELSE $4 END AS version
			FROM g
		) AS v
		GROUP BY day, platform, version`, appID, millis(since), versions, model.OtherAppVersion)
	if err != nil {
		return nil, fmt.Errorf("readiness: %w", err)
	}
	defer rows.Close()
	var l []model.ReadinessBucket
	for rows.Next() {
		var b model.ReadinessBucket
		var day int64
		if err := rows.Scan(&day, &b.Platform, &b.AppVersion, &b.Total, &b.Verified); err != nil {
			return nil, fmt.Errorf("readiness: %w", err)
		}
		b.Day = fromMillis(day * dayMillis)
		l = append(l, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("readiness: %w", err)
	}
	// Sorted here, not by ORDER BY: PostgreSQL's collation may order text
	// otherwise than SQLite's bytes.
	slices.SortFunc(l, func(x, y model.ReadinessBucket) int {
		return cmp.Or(x.Day.Compare(y.Day), cmp.Compare(x.Platform, y.Platform), cmp.Compare(x.AppVersion, y.AppVersion))
	})
	return l, nil
}
