// InboxTUITests
