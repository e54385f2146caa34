// InboxTUI
