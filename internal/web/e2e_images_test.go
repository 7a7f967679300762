package web

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hindsight-rca/hindsight/internal/imaging/imagingtest"
)

// TestE2EImagePasteAndDrop pastes and drops a PNG into the editor in a real
// browser (area images, issue 15): each is uploaded, its Markdown lands in
// the section, autosave stores it, and the preview shows the image from
// this site under the page's CSP.
func TestE2EImagePasteAndDrop(t *testing.T) {
	exe := findChromium(t)
	srv := startE2EServer(t)
	ctx := context.Background()
	env := &uiEnv{t: t, st: srv.st, users: srv.users}
	in := env.incident("Checkout Partial Service Disruption")
	r := env.rca("Checkout Partial Service Disruption", in.ID)
	browser := startBrowser(t, exe)
	author := tab(t, browser)
	failureShots(t, srv.url, map[string]context.Context{"author": author})
	signInBrowser(t, author, srv.url, "author@example.com")
	do(t, author, "open", chromedp.Navigate(srv.url+"/rcas/"+r.ID+"/write"), chromedp.WaitVisible(chromedp.CSS(`#doc[data-ready]`)))

	png := base64.StdEncoding.EncodeToString(imagingtest.PNG(60, 30))
	// A File in a DataTransfer, as the browser makes one for a paste or drop.
	file := `(() => { const b = Uint8Array.from(atob("` + png + `"), (c) => c.charCodeAt(0));
		const dt = new DataTransfer(); dt.items.add(new File([b], "error-rate.png", { type: "image/png" })); return dt; })()`
	do(t, author, "paste an image",
		chromedp.Click(chromedp.CSS("#s-summary .cm-content")),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#s-summary .cm-content").dispatchEvent(new ClipboardEvent("paste", { clipboardData: `+file+`, bubbles: true, cancelable: true }))`),
		chromedp.Poll[chromedp.Void](`document.querySelector("#s-summary textarea").value.includes("](attachment:")`, chromedp.WithPollingTimeout(15*time.Second)))
	do(t, author, "drop an image",
		chromedp.Evaluate[chromedp.Void](`(() => { const el = document.querySelector("#s-impact .cm-content"); const r = el.getBoundingClientRect();
			el.dispatchEvent(new DragEvent("drop", { dataTransfer: `+file+`, clientX: r.left + 5, clientY: r.top + 5, bubbles: true, cancelable: true })); })()`),
		chromedp.Poll[chromedp.Void](`document.querySelector("#s-impact textarea").value.includes("](attachment:")`, chromedp.WithPollingTimeout(15*time.Second)))
	do(t, author, "autosave", chromedp.Poll[chromedp.Void](`document.getElementById("doc-state").dataset.state === "saved"`, chromedp.WithPollingTimeout(15*time.Second)))

	got, err := srv.st.GetRCA(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"summary", "impact"} {
		if body := got.Section(key).Body; !strings.Contains(body, "![error-rate](attachment:") {
			t.Errorf("section %s holds %q", key, body)
		}
	}
	if list, _ := srv.st.ListAttachments(ctx, r.ID); len(list) != 2 {
		t.Fatalf("%d images stored, want 2", len(list))
	}
	do(t, author, "preview shows the image",
		chromedp.Click(chromedp.CSS(`#s-summary button[data-md="preview"]`)),
		chromedp.Poll[chromedp.Void](`(() => { const i = document.querySelector("#s-summary .doc-preview img.md-image"); return i && i.complete && i.naturalWidth === 60; })()`,
			chromedp.WithPollingTimeout(15*time.Second)))

	// A wide image stays inside the preview on a phone.
	wide := base64.StdEncoding.EncodeToString(imagingtest.PNG(1600, 400))
	do(t, author, "a wide image on a phone",
		chromedp.EmulateViewport(375, 900),
		chromedp.Evaluate[chromedp.Void](`(() => { const b = Uint8Array.from(atob("`+wide+`"), (c) => c.charCodeAt(0));
			const dt = new DataTransfer(); dt.items.add(new File([b], "architecture.png", { type: "image/png" }));
			const el = document.querySelector("#s-summary .cm-content"); el.focus();
			el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true })); })()`),
		chromedp.Poll[chromedp.Void](`(() => { const i = document.querySelector('#s-summary .doc-preview img[alt="architecture"]'); return i && i.complete && i.naturalWidth === 1600; })()`,
			chromedp.WithPollingTimeout(15*time.Second)))
	if over := eval[int](t, author, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
		t.Errorf("the page overflows by %dpx with a wide image", over)
	}
	if w := eval[int](t, author, `(() => { const i = document.querySelector('#s-summary .doc-preview img[alt="architecture"]'); return Math.ceil(i.getBoundingClientRect().width - i.parentElement.closest(".doc-preview").clientWidth); })()`); w > 0 {
		t.Errorf("the image is %dpx wider than the preview", w)
	}
	// HINDSIGHT_SCREENSHOTS=$PWD/docs/screenshots refreshes the README's pictures.
	if dir := os.Getenv("HINDSIGHT_SCREENSHOTS"); dir != "" {
		do(t, author, "desktop", chromedp.EmulateViewport(1280, 900),
			chromedp.ScrollIntoView(chromedp.CSS(`#s-summary .doc-preview img.md-image`)))
		shootViewport(t, author, filepath.Join(dir, "editor-image-en-1280.png"))
	}
}
