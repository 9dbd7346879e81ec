// The page's stylesheet: a plain light layout readable on screen and in print, fixed chart heights
// (the charts size themselves to their containers).

/** The CSS text. */
export const PAGE_STYLE = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2937;background:#f6f7f9}
header.report{background:#111827;color:#f9fafb;padding:20px 32px}
header.report h1{margin:0;font-size:22px}
header.report p{margin:4px 0 0;color:#d1d5db}
nav.toc{padding:8px 32px;background:#fff;border-bottom:1px solid #e5e7eb;font-size:13px}
nav.toc a{margin-right:14px;color:#2563eb;text-decoration:none}
main{padding:16px 32px 32px;max-width:1400px}
section.block{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:16px 20px;margin:16px 0}
section.block h2{margin:0 0 10px;font-size:18px}
h3{font-size:15px;margin:16px 0 6px}
.chart{width:100%;position:relative;border:1px solid #eef0f3}
.chart-price{height:420px}
.chart-equity{height:220px}
.chart-drawdown{height:140px}
.chart-comparison{height:300px}
.note{color:#6b7280;font-style:italic;margin:6px 0}
.grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(320px,2fr);gap:20px;align-items:start}
table{border-collapse:collapse;font-size:12.5px;width:100%}
caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border-bottom:1px solid #eef0f3;padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:#f3f4f6;position:sticky;top:0}
td.num,td.value.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.na{color:#92400e;background:#fffbeb}
td.win{color:#15803d}
td.loss{color:#b91c1c}
tr.failed td{color:#991b1b;background:#fef2f2}
table.sortable th button{all:unset;cursor:pointer;white-space:nowrap}
table.trades{font-size:12px}
table.trades th,table.trades td{padding:3px 6px;white-space:nowrap}

table.sortable th[aria-sort=ascending] button::after{content:" \\25B2"}
table.sortable th[aria-sort=descending] button::after{content:" \\25BC"}
.table-scroll{overflow-x:auto;max-height:560px;overflow-y:auto}
table.settings th{width:40%;font-weight:500;color:#374151}
table.metrics th[scope=row]{width:60%}
.has-tip{border-bottom:1px dotted #9ca3af;cursor:help}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:middle}
.swatch.none{border:1px solid #d1d5db}
.legend span.item{margin-right:14px;font-size:12.5px}
.summary{display:flex;flex-wrap:wrap;gap:20px;margin:4px 0 10px}
.summary div{font-size:12.5px;color:#4b5563}
.summary strong{display:block;font-size:16px;color:#111827}
ol.conventions{font-size:12.5px;color:#374151;padding-left:22px}
footer{padding:16px 32px;color:#6b7280;font-size:12px}
@media (max-width:900px){.grid{grid-template-columns:1fr}main,header.report,nav.toc{padding-left:12px;padding-right:12px}}
`;
