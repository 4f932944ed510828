"""Words the Overview and Activity charts add to say what they show: bar labels, a capped scale."""

MESSAGES: dict[str, tuple[str, str]] = {
    "chart.share.label": ("{share} of won", "占赢单{share}"),
    "chart.heatmap.capped": ("Colours stop at {cap} (the {quantile}th percentile of the cells): darker cells are "
                             "at or above it, so one outlier does not pale the rest.",
                             "颜色在 {cap}（各格的第 {quantile} 百分位）封顶：更深的格子达到或超过该值，个别极端值不会使其余格子变淡。"),
}
