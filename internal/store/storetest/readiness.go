package storetest

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/verify"
)

// readinessOf is Store.Readiness computed in Go from the attempts written,
// with model.Attempt's Checked and Signed: what the database must agree with.
func readinessOf(attempts []model.Attempt, appID string, since time.Time, versions int) []model.ReadinessBucket {
	type version struct {
		name  string
		count int
		last  time.Time
	}
	byName := map[string]*version{}
	var checked []model.Attempt
	for _, a := range attempts {
		if a.AppID != appID || a.At.Before(since) || !a.Checked() {
			continue
		}
		checked = append(checked, a)
		v := byName[a.AppVersion]
		if v == nil {
			v = &version{name: a.AppVersion}
			byName[a.AppVersion] = v
		}
		v.count++
		if a.At.After(v.last) {
			v.last = a.At
		}
	}
	var ranked []*version
	for _, v := range byName {
		ranked = append(ranked, v)
	}
	slices.SortFunc(ranked, func(x, y *version) int {
		return cmp.Or(-cmp.Compare(x.count, y.count), -x.last.Compare(y.last), cmp.Compare(x.name, y.name))
	})
	kept := map[string]bool{}
	for i, v := range ranked {
		kept[v.name] = i < versions
	}
	type key struct {
		day      time.Time
		platform model.Platform
		version  string
	}
	buckets := map[key]*model.ReadinessBucket{}
	for _, a := range checked {
		k := key{a.At.UTC().Truncate(24 * time.Hour), a.Platform, a.AppVersion}
		if !kept[k.version] {
			k.version = model.OtherAppVersion
		}
		b := buckets[k]
		if b == nil {
			b = &model.ReadinessBucket{Day: k.day, Platform: k.platform, AppVersion: k.version}
			buckets[k] = b
		}
		b.Total++
		if a.Signed() {
			b.Verified++
		}
	}
	var l []model.ReadinessBucket
	for _, b := range buckets {
		l = append(l, *b)
	}
	slices.SortFunc(l, func(x, y model.ReadinessBucket) int {
		return cmp.Or(x.Day.Compare(y.Day), cmp.Compare(x.Platform, y.Platform), cmp.Compare(x.AppVersion, y.AppVersion))
	})
	return l
}

func bucketLines(l []model.ReadinessBucket) []string {
	var s []string
	for _, b := range l {
		s = append(s, fmt.Sprintf("%s %s %q %d/%d", b.Day.Format(time.DateOnly), b.Platform, b.AppVersion, b.Verified, b.Total))
	}
	return s
}

// testReadiness: the database counts per UTC day, platform and version as
// model.Attempt's Checked and Signed say, from `since` on, one app only;
// days end at midnight UTC to the millisecond.
func testReadiness(e *env) {
	w := e.workspace()
	a, b := e.app(w), e.app(w)
	var written []model.Attempt
	record := func(app *model.App, platform model.Platform, version string, result model.LoginResult, reason verify.Reason, keyID string, at time.Time) {
		e.t.Helper()
		x := model.Attempt{ID: model.NewID("att"), WorkspaceID: app.WorkspaceID, AppID: app.ID, Platform: platform,
			Profile: app.Profile, AppVersion: version, Result: result, Reason: reason, KeyID: keyID, At: ms(at)}
		e.must(e.s.RecordAttempt(e.ctx, &x))
		written = append(written, x)
	}
	midnight := t0.Truncate(24 * time.Hour) // 2026-03-01 00:00 UTC
	since := midnight.AddDate(0, 0, -2)
	times := []time.Time{
		since.Add(-time.Millisecond), // before the window
		since,
		midnight.Add(-time.Millisecond), // the last millisecond of a day
		midnight,
		t0,
	}
	results := []model.LoginResult{model.ResultVerified, model.ResultUnverified, model.ResultAnonymous, model.ResultRejected}
	for i, at := range times {
		for j, result := range results {
			for _, reason := range []verify.Reason{"", verify.ReasonSignatureMismatch} {
				for _, keyID := range []string{"", "key_1"} {
					platform := []model.Platform{model.PlatformIOS, model.PlatformAndroid}[(i+j)%2]
					version := []string{"1.0", "2.0", ""}[(i+j)%3]
					record(a, platform, version, result, reason, keyID, at)
				}
			}
		}
		record(b, model.PlatformIOS, "1.0", model.ResultVerified, "", "key_2", at)
	}
	for _, tc := range []struct {
		name     string
		app      *model.App
		since    time.Time
		versions int
	}{
		{"three days", a, since, 20},
		{"today", a, midnight, 20},
		{"one version apart", a, since, 1},
		{"no version apart", a, since, 0},
		{"another app", b, midnight, 20},
		{"nothing since", a, t0.Add(time.Hour), 20},
	} {
		got, err := e.s.Readiness(e.ctx, tc.app.ID, tc.since, tc.versions)
		e.must(err)
		want := readinessOf(written, tc.app.ID, tc.since, tc.versions)
		if !slices.Equal(bucketLines(got), bucketLines(want)) {
			e.t.Errorf("Readiness(%s) =\n%q\nwant\n%q", tc.name, bucketLines(got), bucketLines(want))
		}
		for _, b := range got {
			if b.Day.Location() != time.UTC || !b.Day.Equal(b.Day.Truncate(24*time.Hour)) {
				e.t.Errorf("Readiness(%s): day %v is not a UTC midnight", tc.name, b.Day)
			}
		}
	}
	_, err := e.s.Readiness(e.ctx, a.ID, since, -1)
	e.wantCode(err, model.CodeInvalid)
}

// testReadinessVersionCap: 100 app versions give at most 20 kept apart
// plus "other", totals preserved; the most checked versions are kept,
// then the most recently seen.
func testReadinessVersionCap(e *env) {
	w := e.workspace()
	a := e.app(w)
	var written []model.Attempt
	since := t0.Truncate(24 * time.Hour)
	for i := range 100 {
		version := fmt.Sprintf("v%03d", i)
		n := 1
		if i%10 == 0 {
			n = 3 // v000, v010, … v090: the most checked
		}
		for range n {
			x := model.Attempt{ID: model.NewID("att"), WorkspaceID: w.ID, AppID: a.ID, Platform: model.PlatformIOS,
				Profile: a.Profile, AppVersion: version, Result: model.ResultVerified, KeyID: "key_1", At: ms(e.tick())}
			if i%3 == 0 {
				x.Result, x.Reason, x.KeyID = model.ResultRejected, verify.ReasonExpired, ""
			}
			e.must(e.s.RecordAttempt(e.ctx, &x))
			written = append(written, x)
		}
	}
	got, err := e.s.Readiness(e.ctx, a.ID, since, 20)
	e.must(err)
	versions := map[string]bool{}
	total, verified := 0, 0
	for _, b := range got {
		versions[b.AppVersion] = true
		total += b.Total
		verified += b.Verified
	}
	wantTotal, wantVerified := 0, 0
	for _, x := range written {
		wantTotal++
		if x.Signed() {
			wantVerified++
		}
	}
	if len(versions) != 21 || !versions[model.OtherAppVersion] || total != wantTotal || verified != wantVerified {
		e.t.Errorf("Readiness over 100 versions: %d versions (want 20 and %q), %d/%d (want %d/%d)",
			len(versions), model.OtherAppVersion, verified, total, wantVerified, wantTotal)
	}
	// The ten most checked, then the ten seen last (v099 … v090 were
	// written last; v090 is among the most checked, so v089 comes in).
	for _, v := range []string{"v000", "v050", "v090", "v099", "v091", "v089"} {
		if !versions[v] {
			e.t.Errorf("Readiness over 100 versions left out %s: %v", v, versions)
		}
	}
	if versions["v088"] || versions["v001"] {
		e.t.Errorf("Readiness over 100 versions kept v088 or v001 apart: %v", versions)
	}
	if want := readinessOf(written, a.ID, since, 20); !slices.Equal(bucketLines(got), bucketLines(want)) {
		e.t.Errorf("Readiness over 100 versions =\n%q\nwant\n%q", bucketLines(got), bucketLines(want))
	}
}
