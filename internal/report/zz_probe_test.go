package report
import ("testing";"os";"bytes")
func TestProbeEmph(t *testing.T){
 r := sampleRCA()
 r.Section("summary").Body = "Some *emphasis* here and **bold** and _under_.\nSecond line\\\nhard break <b>raw</b> [link](https://x.example/a)\n\n<div>block</div>\n"
 r.Timeline[0].Text = "Timeline *emph* and **bold** [l](https://e.example)"
 rep := build(t, r, Options{Audience: Internal, Now: fixedNow})
 os.WriteFile("/tmp/e.pdf", renderPDF(t, rep), 0o644)
 var b bytes.Buffer; RenderMarkdown(&b, rep); os.WriteFile("/tmp/e.md", b.Bytes(), 0o644)
}
