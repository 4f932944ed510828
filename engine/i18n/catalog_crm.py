"""Words for leads, contacts and invoices: their import and the lead KPIs of the Activity page."""
from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "import.entity.leads": ("leads", "线索"),
    "import.entity.contacts": ("contacts", "联系人"),
    "import.entity.invoices": ("invoices and payments", "发票与回款"),
    "activity.tab.leads": ("Leads & contacts", "线索与联系人"),
    "activity.leads.caption": (
        "Leads created in the period and how far they got by {as_of}: contacted (an activity logged on the lead, "
        "or converted), converted, and a customer (its account won a deal after the conversion). Below: new contacts "
        "and the period's activity by type, per row.",
        "本期新建线索截至 {as_of} 的进展：已跟进（有针对该线索的活动，或已转化）、已转化、已成交（转化后其客户赢单）。"
        "下方为每行的新增联系人与本期各类活动。"),
    "activity.leads.none": ("No leads or contacts in this period. Import your CRM's lead and contact exports on "
                            "the Import page.", "本期没有线索或联系人。请在导入页导入 CRM 的线索和联系人导出文件。"),
    "activity.leads.tile.created": ("Leads created", "新建线索"),
    "activity.leads.tile.contacted": ("Leads contacted", "已跟进线索"),
    "activity.leads.tile.conversion": ("Lead conversion", "线索转化率"),
    "activity.leads.tile.customer_rate": ("Lead → customer", "线索成交率"),
    "activity.leads.tile.contacts_per_rep": ("New contacts per rep", "人均新增联系人"),
    "activity.leads.by_type": ("Activity by type", "活动类型分布"),
    "activity.leads.chart_title": ("{top} is the most frequent activity: {share} of {total}",
                                   "{top}最多：占全部 {total} 次活动的 {share}"),
    "activity.leads.chart_empty": ("No activities in this period", "本期没有活动"),
    "activity.col.leads_created": ("Leads created", "新建线索"),
    "activity.col.leads_contacted": ("Contacted", "已跟进"),
    "activity.col.leads_converted": ("Converted", "已转化"),
    "activity.col.lead_conversion_rate": ("Conversion rate", "转化率"),
    "activity.col.lead_customers": ("Became customers", "已成交"),
    "activity.col.lead_to_customer_rate": ("Lead → customer", "线索成交率"),
    "activity.col.new_contacts": ("New contacts", "新增联系人"),
    "activity.col.new_contacts_per_rep": ("New contacts per rep", "人均新增联系人"),
    "activity.col.calls": ("Calls", "电话"),
    "activity.col.meetings": ("Meetings", "会议"),
    "activity.col.visits": ("Visits", "拜访"),
    "activity.col.emails": ("E-mails", "邮件"),
    "activity.col.other_activities": ("Other activities", "其他活动"),
    "activity.kind.calls": ("Calls", "电话"),
    "activity.kind.meetings": ("Meetings", "会议"),
    "activity.kind.visits": ("Visits", "拜访"),
    "activity.kind.emails": ("E-mails", "邮件"),
    "activity.kind.other_activities": ("Other", "其他"),
    "activity.kind.axis": ("Activities", "活动次数"),
    "activity.kind.type": ("Type", "类型"),
}
