package bot

// waitReplies renders what is said about waiting lists (TestReplyGolden).
func waitReplies() map[string]string {
	return map[string]string{
		"wait_added":    textWaiting("鸡蛋", 3, true),
		"wait_already":  textWaiting("鸡蛋", 1, false),
		"wait_which":    textWaitWhich,
		"wait_in_stock": textWaitInStock("鸡蛋", 5, "盒"),
		"wait_no_stock": textWaitInStock("挂面", 0, "袋"),
	}
}
