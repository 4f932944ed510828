"""The morning-meeting board (销售晨会大屏): what each rotating panel shows, computed from the
metrics and health packages for one territory scope, as of the data's as-of day."""
