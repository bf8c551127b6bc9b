"""The HTML report's inline stylesheet and script (kept apart so the page code reads cleanly).

System fonts only and no url(): the report must open offline and load nothing from anywhere.
"""

from __future__ import annotations

CSS = """
:root{--bg:#f6f7f9;--panel:#fff;--text:#1e293b;--muted:#64748b;--line:#e2e8f0;--code:#0f172a;
--codetext:#e2e8f0;--accent:#0f766e;--pass:#15803d;--fail:#b91c1c;--err:#7c3aed;
--critical:#b91c1c;--high:#ea580c;--medium:#d97706;--low:#2563eb;--informational:#64748b}
@media (prefers-color-scheme:dark){:root{--bg:#0b1120;--panel:#111827;--text:#e5e7eb;
--muted:#94a3b8;--line:#1f2937;--code:#020617}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:14px/1.5 system-ui,-apple-system,
"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header.top{background:#0f172a;color:#f8fafc;padding:22px 32px}
header.top h1{margin:0 0 6px;font-size:22px;font-weight:650;letter-spacing:.2px}
header.top h1 span{color:#5eead4}
.meta{display:flex;flex-wrap:wrap;gap:6px 22px;color:#cbd5e1;font-size:13px}
.meta b{color:#f8fafc;font-weight:600}
main{max-width:1280px;margin:0 auto;padding:24px 32px 48px}
h2{font-size:17px;margin:28px 0 12px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:14px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:14px 18px}
.card .n{font-size:28px;font-weight:700;line-height:1.2}
.card .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.6px}
.card.pass .n{color:var(--pass)}.card.fail .n{color:var(--fail)}.card.err .n{color:var(--err)}
.meter{height:6px;background:var(--line);border-radius:3px;margin-top:8px;overflow:hidden}
.meter i{display:block;height:100%;background:var(--pass)}
.charts{display:grid;grid-template-columns:minmax(320px,1fr) minmax(360px,1.4fr);gap:14px;
margin-top:14px}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:14px 18px}
.panel h3{margin:0 0 8px;font-size:13px;color:var(--muted);text-transform:uppercase;
letter-spacing:.6px}
.donut-wrap{display:flex;align-items:center;gap:24px}
.donut-total{font-weight:700;fill:var(--text)}
.donut-label{font-size:12px;fill:var(--muted)}
.legend{list-style:none;margin:0;padding:0}.legend li{margin:4px 0;display:flex;gap:8px;
align-items:center}.legend .sw{width:12px;height:12px;border-radius:3px;display:inline-block}
.legend .c{margin-left:auto;font-weight:600;padding-left:18px}
.bar-label{font-size:12px;fill:var(--text)}.bar-count{font-size:12px;fill:var(--muted)}
.toolbar{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-bottom:10px}
.toolbar input{flex:1;min-width:220px;padding:7px 10px;border:1px solid var(--line);
border-radius:7px;background:var(--panel);color:var(--text)}
.chip{border:1px solid var(--line);background:var(--panel);color:var(--text);border-radius:999px;
padding:4px 11px;font-size:12px;cursor:pointer}.chip.off{opacity:.4;text-decoration:line-through}
.sev{display:inline-block;min-width:92px;text-align:center;border-radius:5px;color:#fff;
font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.5px;padding:2px 8px}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}
.sev-medium{background:var(--medium)}.sev-low{background:var(--low)}
.sev-informational{background:var(--informational)}
details.rule{background:var(--panel);border:1px solid var(--line);border-radius:9px;
margin:8px 0;border-left:4px solid var(--line)}
details.rule.sev-b-critical{border-left-color:var(--critical)}
details.rule.sev-b-high{border-left-color:var(--high)}
details.rule.sev-b-medium{border-left-color:var(--medium)}
details.rule.sev-b-low{border-left-color:var(--low)}
details.rule.sev-b-informational{border-left-color:var(--informational)}
details.rule>summary{display:flex;gap:12px;align-items:center;padding:10px 14px;cursor:pointer;
list-style:none}
details.rule>summary::-webkit-details-marker{display:none}
details.rule>summary::before{content:"\\25B8";color:var(--muted);transition:transform .15s}
details.rule[open]>summary::before{transform:rotate(90deg)}
.title{font-weight:600}.rid{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
color:var(--muted)}
.count{margin-left:auto;white-space:nowrap;background:var(--bg);border:1px solid var(--line);
border-radius:999px;padding:1px 10px;font-size:12px}
.body{padding:2px 18px 16px 40px;border-top:1px solid var(--line)}
.body h4{margin:14px 0 4px;font-size:12px;color:var(--muted);text-transform:uppercase;
letter-spacing:.6px}
.body p{margin:4px 0}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:0 24px}
.grid3{display:grid;grid-template-columns:1fr 1fr 2fr;gap:0 24px}
pre{background:var(--code);color:var(--codetext);padding:10px 12px;border-radius:7px;
overflow:auto;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:4px 0;
white-space:pre-wrap;word-break:break-all}
.code{position:relative}.code pre{padding-right:64px}
.copy{position:absolute;top:6px;right:6px;font-size:11px;
background:#334155;color:#e2e8f0;border:0;border-radius:5px;padding:2px 8px;cursor:pointer}
table{width:100%;border-collapse:collapse;background:var(--panel)}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.5px}
td .sub{display:block;color:var(--muted);font:11px ui-monospace,Menlo,Consolas,monospace;
word-break:break-all}
.ev{font:12px ui-monospace,Menlo,Consolas,monospace}.ev .exp{color:var(--muted)}
.tags{margin-top:2px}.tag{display:inline-block;font-size:11px;background:var(--bg);
border:1px solid var(--line);border-radius:4px;padding:0 5px;margin:1px 3px 1px 0}
details.fix>summary{cursor:pointer;color:var(--accent);font-size:12px}
details.section{background:var(--panel);border:1px solid var(--line);border-radius:9px;
padding:8px 14px}
details.section>summary{cursor:pointer;font-weight:600}
.muted{color:var(--muted)}.empty{padding:14px;color:var(--muted)}
a{color:var(--accent)}
footer{color:var(--muted);font-size:12px;text-align:center;padding:24px}
.posture{margin:16px 0}.posture h2{margin:0 0 10px;font-size:16px}
.posture .big{font-size:40px;font-weight:700}.posture table{width:100%;border-collapse:collapse}
.posture td,.posture th{padding:4px 6px;border-bottom:1px solid var(--line);text-align:left}
.posture .ok{color:#15803d}.posture .bad{color:#b91c1c}
.trend{width:100%;max-width:520px;color:#2563eb}.trend .grid{stroke:var(--line)}
.trend .axis{font-size:10px;fill:var(--muted)}
@media (max-width:860px){.charts,.grid2,.grid3{grid-template-columns:1fr}main{padding:16px}}
@media print{header.top{background:none;color:#000}.toolbar,.copy{display:none}}
"""

# Filtering by text and severity, expand/collapse, copy buttons; the page works without it.
JS = """
(function(){
var q=document.getElementById('q'),off={};
function apply(){var t=(q.value||'').toLowerCase();
document.querySelectorAll('details.rule').forEach(function(d){
var ok=!off[d.dataset.sev]&&(!t||d.textContent.toLowerCase().indexOf(t)>=0);
d.style.display=ok?'':'none';});}
if(q){q.addEventListener('input',apply);}
document.querySelectorAll('.chip[data-sev]').forEach(function(c){c.addEventListener('click',
function(){var s=c.dataset.sev;off[s]=!off[s];c.classList.toggle('off',off[s]);apply();});});
document.querySelectorAll('[data-toggle]').forEach(function(b){b.addEventListener('click',
function(){var open=b.dataset.toggle==='open';document.querySelectorAll('details.rule')
.forEach(function(d){d.open=open;});});});
document.querySelectorAll('.copy').forEach(function(b){b.addEventListener('click',function(){
var t=b.parentNode.querySelector('pre').textContent;
if(navigator.clipboard){navigator.clipboard.writeText(t).then(function(){b.textContent='Copied';
setTimeout(function(){b.textContent='Copy';},1200);});}});});
window.addEventListener('beforeprint',function(){
document.querySelectorAll('details').forEach(function(d){d.open=true;});});
})();
"""
