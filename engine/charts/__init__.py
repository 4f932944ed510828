"""Pure chart builders: functions that take frames and return `altair.Chart`s (no st.* calls)."""
