package orders
import ("testing";"os";"fmt";"path/filepath";"strings")
func TestDumpGolden(t *testing.T){
 for _, file := range corpusFiles(t) {
  name := filepath.Base(file)
  text, _ := os.ReadFile(file)
  want := readGolden(t, file)
  r := records(want)
  fmt.Printf("=== %s title=%q\n", name, want.Title)
  for i, l := range strings.Split(string(text), "\n") {
   if strings.TrimSpace(l)=="" {continue}
   rec := r[i+1]
   s := "ignored"
   switch rec.Kind {
   case "order": s = fmt.Sprintf("ORDER n=%d %s %v ph=%s", rec.Order.Number, rec.Order.Address.Household(), rec.Order.Items, rec.Order.Phone)
   case "rejected": s = fmt.Sprintf("REJ n=%d %s", rec.Reject.Number, rec.Reject.Reason)
   case "overridden": s = fmt.Sprintf("OVERRIDDEN by %d", rec.By)
   }
   fmt.Printf("%3d %-40s | %s\n", i+1, l, s)
  }
 }
}
