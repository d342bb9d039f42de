package workbench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"
)

// chromium finds the browser for the end-to-end test: $PARTNEROPS_CHROMIUM,
// else chromium (Debian's package) or chromium-browser on the PATH.
func chromium() string {
	if p := os.Getenv("PARTNEROPS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestBrowser drives the page in a real Chromium: it types a typo into the
// program and sees the positioned error, fixes it, runs the tests and sees
// them pass, explains a pasted deal, and draws the payout curve and a
// diff. Screenshots go to $PARTNEROPS_SCREENSHOTS, or to a temporary
// folder named in the log. Without Chromium the test skips, except under
// CI (CI=true), where it fails.
func TestBrowser(t *testing.T) {
	exe := chromium()
	if exe == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium not found and CI=true: install it (apt-get install -y chromium) or set PARTNEROPS_CHROMIUM")
		}
		t.Skip("chromium not found: apt-get install -y chromium to run the browser test")
	}
	if testing.Short() {
		t.Skip("the browser test is not short")
	}
	shots := os.Getenv("PARTNEROPS_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	require.NoError(t, os.MkdirAll(shots, 0o755))
	t.Logf("screenshots in %s", shots)

	dir := workFolder(t)
	base := startServer(t, dir)
	src, err := os.ReadFile(filepath.Join(dir, "q4-growth.yaml"))
	require.NoError(t, err)
	const spiff = "    amount: deal.amount * 0.02"
	at := strings.Index(string(src), spiff)
	require.Positive(t, at)
	line := 1 + strings.Count(string(src[:at]), "\n")

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1400, 1000),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		require.NoError(t, chromedp.Do(bctx, steps...), what)
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		require.NoError(t, err, sel)
		return s
	}
	shot := func(name string) {
		t.Helper()
		buf, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(shots, name), buf, 0o644))
	}
	until := func(expr string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(60*time.Second))
	}
	statusIs := func(s string) chromedp.Action[chromedp.Void] {
		return until(fmt.Sprintf(`document.getElementById("status").textContent === %q`, s))
	}

	step("open the page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("source")), statusIs("no errors"),
		chromedp.Click(chromedp.CSS(`nav li[data-name="q4-growth.yaml"]`)),
		until(`document.getElementById("filename").textContent === "q4-growth.yaml"`), statusIs("no errors"))
	shot("0-open.png")

	// Put the caret after "am" of the spiff's amount and type an m.
	step("type a typo",
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const ta = document.getElementById("source");
			const i = ta.value.indexOf(%q) + 6; ta.focus(); ta.setSelectionRange(i, i); })()`, spiff)),
		chromedp.KeyEvent("m"),
		statusIs("1 error"))
	errText, badLine := text("#errors li"), text("#gutter .bad")
	shot("1-typo.png")

	step("fix it", chromedp.KeyEvent(kb.Backspace), statusIs("no errors"))
	shot("2-fixed.png")

	step("run the tests", chromedp.Click(chromedp.ID("run-tests")), chromedp.WaitVisible(chromedp.CSS("#tests .summary")))
	testsSummary := text("#tests .summary")
	shot("3-tests.png")

	step("explain a deal",
		chromedp.SendKeys(chromedp.ID("deal"), `{id: D-9, partner: {id: P-9, tier: gold}, amount: "12000", type: new_business, registered: true, close_date: 2026-11-03, segment: smb}`),
		chromedp.Click(chromedp.ID("explain")),
		until(`document.getElementById("explain-out").textContent.includes("total ")`))
	explained := text("#explain-out")
	shot("4-explain.png")

	step("explain a deal of the deals file",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("deal").value = ""`),
		chromedp.SetValue(chromedp.ID("explain-deals"), "deals.yaml"),
		chromedp.SendKeys(chromedp.ID("explain-id"), "ACME-1011"),
		chromedp.Click(chromedp.ID("explain")),
		until(`document.getElementById("explain-out").textContent.startsWith("deal ACME-1011")`))
	fromFile := text("#explain-out")

	step("draw the curve", chromedp.Click(chromedp.ID("draw-curve")), chromedp.WaitVisible(chromedp.CSS("#curve svg")))
	curve, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector("#curve svg title").textContent`))
	require.NoError(t, err)
	step("diff two versions",
		chromedp.SetValue(chromedp.ID("diff-old"), "q4-growth.yaml"),
		chromedp.SetValue(chromedp.ID("diff-new"), "q4-growth-v2.yaml"),
		chromedp.Click(chromedp.ID("diff")),
		chromedp.WaitVisible(chromedp.CSS("#diff-svg svg")))
	diffText := text("#diff-out")
	shot("5-curve-and-diff.png")

	require.Contains(t, errText, fmt.Sprintf("q4-growth.yaml:%d:5: earnings[0]: unknown key \"ammount\"; did you mean \"amount\"?", line))
	require.Equal(t, fmt.Sprint(line), badLine, "the gutter marks the line")
	require.Regexp(t, `^ok: \d+ tests passed$`, testsSummary)
	// 12,000 x 2% = 240.00 spiff + 12,000 x 1% = 120.00 rebate.
	require.Contains(t, explained, "total 360.00 USD")
	// ACME-1011 is the deal the partner cap cuts (cmd/partnerops/testdata/README.md).
	require.Contains(t, fromFile, "cap")
	require.Equal(t, "Payout of q4-2026-partner-growth v1 against the deal amount", curve)
	require.Contains(t, diffText, "+5,910.00")
	for _, f := range []string{"0-open.png", "1-typo.png", "2-fixed.png", "3-tests.png", "4-explain.png", "5-curve-and-diff.png"} {
		st, err := os.Stat(filepath.Join(shots, f))
		require.NoError(t, err)
		require.Positive(t, st.Size())
	}
}
