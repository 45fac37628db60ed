-- regionrapport's pandoc filter, run for DOCX, typst and HTML output.
--
-- 1. Traffic-light spans: [● Målet uppfyllt]{.status-gron}
--    DOCX: the character style "Status gron" (its colour is set per build in the
--    reference document). Typst: bold unhyphenated text in the status colour
--    (the column is made wide enough for the longest status word). The symbol and
--    the word stay in both, so the status reads without colour. Colours come from
--    the metadata (statustext-<key>, darkened by the build where the organisation's
--    colour is too light to read as text; else statusfarger), so a region's own
--    colours need no code here.
-- 2. Images (typst): pandoc's typst writer drops the alt text; PDF/UA needs it,
--    so the image is written as raw typst with `alt:`.
-- 3. Tables: every column is at least as wide as its longest header word and
--    status word. A table without relative widths is stretched to the text
--    width, its first column taking what the figures leave (narrow centred
--    tables under flush-left captions looked ragged in the PDF; in the DOCX
--    pandoc's equal columns squeezed the labels). The widths come from two
--    figures per column, its longest body entry and its widest unbreakable
--    word. pipe_table (render/markdown.py) measures them in Python and writes
--    them into an empty div just before the table,
--      ::: {.rr-tabell langst="57 9 9" ord="10.5 8.5 9"}
--      :::
--    which is read here and dropped; measuring every cell here cost about a
--    third of each pandoc run. A table without that div (typed into a
--    project's own template, or with Markdown in a cell that Python does not
--    read) is measured here as before (measure below; tests/test_table_widths.py
--    checks both give the same figures).
-- 4. Title block (DOCX): the deciding body, the diarienummer and the decision
--    (beslut) are added under the date, as the PDF's title page shows them, and
--    the body starts on a page of its own after the table of contents.
-- 5. Numbers and units never break across lines: "1 045", "53 %", "7 035 mnkr",
--    "131 kWh/m²" are tied with no-break spaces in running text (both outputs);
--    in typst a figure with a unit is also set in a box, so that nothing inside it
--    breaks (a slash, a hyphenation point).
-- 6. Tables (typst): a table of up to KEEP_ROWS rows is kept on one page, with the
--    footnotes of its block (::: rr-tabellblock in the Markdown); a longer one
--    breaks with its header row repeated. The DOCX gets the same through its rows'
--    properties (render/pandoc.py, after pandoc). A heading's short introduction
--    stays with the table after it (StickIntro).
-- 7. HTML: status spans keep their class (the stylesheet colours them), a table's
--    first column becomes its row headers, and a link from a text may go only to
--    the page itself, a web page or an e-mail address (the guard, below).
-- 0. Before all that, the guard (docs/security.md): texts come from pull requests.
--    Every raw block and raw inline (```{=typst}, `x`{=openxml}, ...) is dropped,
--    in the body and in the metadata, so no text writes typst code or OpenXML.
--    An image is kept only when its file name is on the build's allow-list (the
--    metadata field rr-bilder, set on pandoc's command line: the charts), a plain
--    name in the scratch folder; any other image is dropped. pandoc runs with
--    --sandbox and cannot open the chart files itself, so for the DOCX the guard
--    reads each allowed chart into the media bag. rapport check refuses all of
--    these in the data with RR601/RR602; this is the net under that rule.
local colours = {}

local allowed = {}

local function read_allowed(meta)
  local list = meta["rr-bilder"]
  if list == nil then return end
  for name in pandoc.utils.stringify(list):gmatch("%S+") do
    -- a plain file name in the working (scratch) folder: no folder, no scheme
    if name:match("^[%w][%w._-]*%.png$") and not name:match("%.%.") then
      allowed[name] = true
    end
  end
end

local function drop() return {} end

local function guard_image(el)
  if not allowed[el.src] then return {} end
  if FORMAT == "docx" and pandoc.mediabag.lookup(el.src) == nil then
    local f = io.open(el.src, "rb")
    if f == nil then return {} end
    local data = f:read("a")
    f:close()
    pandoc.mediabag.insert(el.src, "image/png", data)
  end
  return nil
end

-- HTML: a link from a text may only go to a place in the page, a web page or an
-- e-mail address; any other target (javascript:, data:, file:, vbscript:, a
-- relative path) leaves its words as plain text, so nothing in the page runs or
-- opens a local file when a reader clicks.
local function guard_link(el)
  if not FORMAT:match("html") then return nil end
  local target = el.target:lower():gsub("^%s+", "")
  if target:match("^#") or target:match("^https?://") or target:match("^mailto:") then
    return nil
  end
  return el.content
end

local GUARD = { RawBlock = drop, RawInline = drop, Image = guard_image, Link = guard_link }

local function stringify(v)
  return pandoc.utils.stringify(v)
end

local function typst_string(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('\n', ' ') .. '"'
end

local function chars(s)
  return utf8.len(s) or #s
end

-- Tie a status symbol to the word after it (a lone symbol at a line end reads as noise).
local function tie_symbol(content)
  if #content >= 3 and content[1].t == "Str" and chars(content[1].text) <= 2
      and content[2].t == "Space" then
    content[2] = pandoc.Str("\u{A0}")
  end
  return content
end

function Meta(meta)
  if meta.statusfarger then
    for k, v in pairs(meta.statusfarger) do
      colours[k] = stringify(v)
    end
  end
  for k, v in pairs(meta) do
    local key = k:match("^statustext%-(.+)$")
    if key then colours[key] = stringify(v) end
  end
  if FORMAT == "docx" and meta.date then
    local date = pandoc.Inlines(meta.date)
    local function line(label, value)
      if value then
        date:insert(pandoc.LineBreak())
        if label then date:insert(pandoc.Str(label .. ":\u{A0}")) end
        date:extend(pandoc.Inlines(value))
      end
    end
    line("Beslutande organ", meta.beslutande)
    line("Diarienummer", meta.diarienummer)
    line(nil, meta.beslut)
    meta.date = date
    return meta
  end
end

-- DOCX: the title page, then the table of contents (its heading starts a page),
-- then the body on a page of its own. A report kind without a title page and
-- without contents (rr-utan-framsida, no --toc) starts its body under the title;
-- with page breaks before chapters (rr-sidbrytning) a first chapter heading
-- breaks the page itself.
function Pandoc(doc)
  if FORMAT == "docx" then
    local cover = not doc.meta["rr-utan-framsida"]
    local toc = PANDOC_WRITER_OPTIONS.table_of_contents
    local first = doc.blocks[1]
    local breaks_itself = doc.meta["rr-sidbrytning"] and first ~= nil and first.t == "Header" and first.level == 1
    if (cover or toc) and not breaks_itself then
      doc.blocks:insert(1, pandoc.RawBlock("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'))
    end
    return doc
  end
end

-- Units a figure is tied to; a trailing full stop or comma is allowed after the unit.
local UNITS = { ["%"] = true, ["mnkr"] = true, ["mkr"] = true, ["Mkr"] = true, ["tkr"] = true,
  ["kr"] = true, ["mdkr"] = true, ["procent"] = true, ["dagar"] = true, ["st"] = true,
  ["miljoner"] = true, ["miljarder"] = true, ["kronor"] = true }

-- A unit per something: "kWh/m²", "kr/invånare" (no digits, one slash between letters).
local function per_unit(word)
  return word:match("^[^%d%s/]+/[^%d%s/]+$") ~= nil
end

local function ends_in_figure(text)
  return text:match("%d$") ~= nil
end

-- "1 045": a group of exactly three digits after a lead group of one to three digits
-- (or after a group already tied) is its thousands group; "2024 239" is a year and a value.
local function lead_group(text)
  local last = text:match("([^\u{A0}]*)$")
  if last ~= text then return last:match("^%d%d%d$") ~= nil end
  return last:gsub("^[%(−%-+]+", ""):match("^%d%d?%d?$") ~= nil
end

local function thousands_group(text)
  return text:match("^%d%d%d$") or text:match("^%d%d%d[^%d]")
end

local function tie(inlines)
  local i, changed = 1, false
  while i <= #inlines - 2 do
    local a, sp, b = inlines[i], inlines[i + 1], inlines[i + 2]
    if a.t == "Str" and sp.t == "Space" and b.t == "Str" and ends_in_figure(a.text) then
      local word = b.text:gsub("[%.,;:!%?%)]+$", "")
      if (thousands_group(b.text) and lead_group(a.text)) or UNITS[word] or per_unit(word) then
        inlines[i] = pandoc.Str(a.text .. "\u{A0}" .. b.text)
        inlines:remove(i + 2)
        inlines:remove(i + 1)
        changed = true
      else
        i = i + 1
      end
    else
      i = i + 1
    end
  end
  if changed then return inlines end
end

-- Running text: paragraphs and table cells, with their emphasis, but not an image's
-- caption (its alt text stays as written).
local NESTED = { Emph = true, Strong = true, Span = true, Underline = true, SmallCaps = true, Quoted = true }

local function tie_deep(inlines)
  inlines = tie(inlines) or inlines
  for _, el in ipairs(inlines) do
    if NESTED[el.t] then el.content = tie_deep(el.content) end
  end
  return inlines
end

local function TieBlock(el)
  el.content = tie_deep(el.content)
  return el
end

function Span(el)
  for _, cls in ipairs(el.classes) do
    local key = cls:match("^status%-(.+)$")
    if key then
      el.content = tie_symbol(el.content)
      if FORMAT == "docx" then
        el.attributes["custom-style"] = "Status " .. key
        return el
      elseif FORMAT:match("html") then
        -- The stylesheet colours it (render/html.py); the word and symbol are the text. The
        -- symbol gets a span of its own, set in one font that has ● ◐ ○ alike (rapport.css:
        -- a browser without the house font took ◐ alone from a fallback font, smaller).
        local c = el.content
        if #c >= 2 and c[1].t == "Str" and chars(c[1].text) <= 2 and c[1].text:match("^[\u{2013}\u{25A0}-\u{25FF}]") then
          c[1] = pandoc.Span({ c[1] }, { class = "rr-symbol" })
          el.content = c
        end
        return el
      elseif FORMAT == "typst" then
        local colour = colours[key] or "#000000"
        local out = { pandoc.RawInline("typst", '#text(fill: rgb("' .. colour .. '"), weight: "bold", hyphenate: false)[') }
        for _, x in ipairs(el.content) do table.insert(out, x) end
        table.insert(out, pandoc.RawInline("typst", "]"))
        return out
      end
    end
  end
end

function Image(el)
  if FORMAT ~= "typst" then return nil end
  local args = { typst_string(el.src) }
  local alt = stringify(el.caption)
  if alt ~= "" then table.insert(args, "alt: " .. typst_string(alt)) end
  local width = el.attributes.width
  if width then
    if width:match("%%$") then
      table.insert(args, "width: " .. width)
    elseif width:match("^[%d.]+cm$") or width:match("^[%d.]+mm$") or width:match("^[%d.]+in$") then
      table.insert(args, "width: " .. width)
    end
  end
  return pandoc.RawInline("typst", "#image(" .. table.concat(args, ", ") .. ")")
end

-- Widths are estimated in characters of 8.5 pt table text across the text width
-- (same margins in both outputs): about 105 in Liberation Sans, the typeface of
-- both (Arial's metrics). A cell's padding counts as two characters.
local LINE = 105
local PAD = 2

local function longest_word(text)
  local word = 0
  -- A soft hyphen is a place to break: "Prognos­avvikelse" is two words wide.
  for w in text:gsub("\u{AD}", " "):gmatch("%S+") do word = math.max(word, chars(w)) end
  return word
end

-- A figure with its unit ("2 080 kr/invånare", tied by no-break spaces) is never
-- broken (BoxFigure below): the widest one counts in full, and a unit per something
-- one character more ("kWh/m²" is wider than the average).
-- A target's "minst"/"högst" is tied to its figure (context.py: "högst 60 dagar" reads as one).
local function is_figure(w)
  w = w:gsub("^minst\u{A0}", ""):gsub("^högst\u{A0}", "")
  return w:find("\u{A0}") ~= nil and w:gsub("^%(", ""):gsub("^\u{2212}", ""):gsub("^[+%-]", ""):match("^%d") ~= nil
end

local function longest_figure(text)
  local widest = 0
  for w in text:gmatch("%S+") do
    if is_figure(w) then
      widest = math.max(widest, chars(w) + (w:find("/") and 1 or 0))
    end
  end
  return widest
end

-- A status span's widest unbreakable piece: its symbol is tied to the first word.
local function status_width(span)
  local words = {}
  for w in stringify(span):gmatch("%S+") do table.insert(words, w) end
  if #words >= 2 and chars(words[1]) <= 2 then
    words[2] = words[1] .. " " .. words[2]
    table.remove(words, 1)
  end
  local widest = 0
  for _, w in ipairs(words) do widest = math.max(widest, chars(w)) end
  return widest + 0.5  -- bold
end

-- Measuring here is the fallback for a table without Python's figures; keep it and
-- measure_columns in render/markdown.py alike (tests/test_table_widths.py).
-- Longest line and longest word of a cell, in characters; and the longest word
-- of a status span (bold, and a status word broken in two reads badly).
local function measure_cell(cell)
  local text = stringify(cell.contents)
  local status = 0
  pandoc.walk_block(pandoc.Div(cell.contents), {
    Span = function(sp)
      for _, cls in ipairs(sp.classes) do
        if cls:match("^status%-") then status = math.max(status, status_width(sp)) end
      end
    end,
  })
  return chars(text), longest_word(text), status, longest_figure(text)
end

local function measure(tbl, ncols)
  -- longest: longest body entry; word: longest word that must not break
  -- (header words are bold and must never run into the next column; a long
  -- body word may be hyphenated, so it counts only up to 12; a figure with its
  -- unit is never broken and counts in full).
  local longest, word = {}, {}
  for i = 1, ncols do longest[i], word[i] = 3, 3 end
  local function rows(list, is_head)
    for _, row in ipairs(list) do
      for i, cell in ipairs(row.cells) do
        if i <= ncols then
          local l, w, status, figure = measure_cell(cell)
          if not is_head then longest[i] = math.max(longest[i], l) end
          word[i] = math.max(word[i], is_head and (w + 0.5) or math.max(math.min(w, 12), figure), status)
        end
      end
    end
  end
  rows(tbl.head.rows, true)
  for _, body in ipairs(tbl.bodies) do rows(body.body, false) end
  return longest, word
end

-- Stretch a table without widths to the text width: a figure column gets its
-- widest entry (headers may wrap between words) plus padding, the first (label)
-- column what is left; if the figures leave too little, all shrink alike.
local function full_width(specs, longest, word, ncols)
  local figures = 0
  local w = {}
  for i = 2, ncols do
    -- +1.5: the label column takes what is left, so a figure column can afford not
    -- to hyphenate its header ("Bud-get" read badly).
    w[i] = math.max(math.min(longest[i], 16), word[i]) + PAD + 1.5
    figures = figures + w[i]
  end
  w[1] = math.max(LINE - figures, math.min(longest[1] + PAD, 30), 20)
  local sum = w[1] + figures
  for i = 1, ncols do specs[i][2] = w[i] / sum end
end

-- Given widths: make every column at least as wide as its longest header word
-- (a narrow "Trend" column would otherwise print into "Kommentar"), taking the
-- room from the running-text columns (long entries that wrap anyway), which keep
-- at least TEXT_FLOOR of the width; when that is not enough, every narrow column
-- gets the same share of what there is.
local TEXT_FLOOR = 0.15

local function widen_narrow(specs, longest, word, ncols)
  local sum = 0
  for i = 1, ncols do sum = sum + specs[i][2] end
  local w, need, deficit = {}, {}, 0
  for i = 1, ncols do
    w[i] = specs[i][2] / sum
    need[i] = (word[i] + PAD) / LINE
    if w[i] < need[i] then deficit = deficit + need[i] - w[i] end
  end
  local function is_text(i) return longest[i] > 30 end
  -- A short column (figures, or a comment column left empty) needs no more than its
  -- longest entry: what it was given beyond that is slack, spent first on the narrow
  -- columns and then on the running-text columns, so that an empty "Analys" does not
  -- keep a third of the table while "Mätetal" wraps a word a line.
  local slack, texts = {}, 0
  for i = 1, ncols do
    slack[i] = 0
    if is_text(i) then
      texts = texts + w[i]
    elseif w[i] > need[i] then
      slack[i] = math.max(0, w[i] - math.max(need[i], (longest[i] + PAD) / LINE))
    end
  end
  local changed = false
  local function spend_slack(amount)  -- take `amount` of the slack, evenly in proportion
    local total = 0
    for i = 1, ncols do total = total + slack[i] end
    if total <= 0 then return 0 end
    local got = math.min(amount, total)
    for i = 1, ncols do
      local part = slack[i] * got / total
      w[i], slack[i] = w[i] - part, slack[i] - part
    end
    changed = true
    return got
  end
  if deficit > 0 then
    local got = spend_slack(deficit)
    for i = 1, ncols do
      if w[i] < need[i] and got > 0 then
        local part = (need[i] - w[i]) * math.min(1, got / deficit)
        w[i] = w[i] + part
      end
    end
    deficit = 0
    for i = 1, ncols do
      if w[i] < need[i] then deficit = deficit + need[i] - w[i] end
    end
  end
  if texts > 0 then  -- what slack is left goes to the text columns, in proportion to their width
    local before = texts
    local extra = spend_slack(math.huge)
    for i = 1, ncols do
      if is_text(i) then w[i] = w[i] + extra * w[i] / before end
    end
  end
  if deficit <= 0 then
    for i = 1, ncols do specs[i][2] = w[i] end
    return changed
  end
  local function floor(i) return is_text(i) and math.max(need[i], TEXT_FLOOR) or need[i] end
  local function donors(only_text)
    local spare = 0
    for i = 1, ncols do
      if w[i] > floor(i) and (not only_text or is_text(i)) then spare = spare + w[i] - floor(i) end
    end
    return spare
  end
  local only_text = donors(true) > 0
  local spare = donors(only_text)
  if spare <= 0 then
    if changed then for i = 1, ncols do specs[i][2] = w[i] end end
    return changed
  end
  local give = math.min(1, spare / deficit)   -- share of each column's shortfall that can be met
  local take = math.min(1, deficit / spare)   -- share of each donor's spare that is taken
  for i = 1, ncols do
    if w[i] < need[i] then
      specs[i][2] = w[i] + (need[i] - w[i]) * give
    elseif w[i] > floor(i) and (not only_text or is_text(i)) then
      specs[i][2] = w[i] - (w[i] - floor(i)) * take
    else
      specs[i][2] = w[i]
    end
  end
  return true
end

-- Widths of a table from its measurements; nil when it keeps pandoc's.
local function set_widths(tbl, longest, word)
  local specs = tbl.colspecs
  local ncols = #specs
  local given = false
  for _, spec in ipairs(specs) do
    if spec[2] ~= nil and spec[2] ~= 0 then given = true end
  end
  if given then
    if not widen_narrow(specs, longest, word, ncols) then return nil end
  else
    -- Also for DOCX: pandoc gives a table without widths equal grid columns, which
    -- LibreOffice keeps (a squeezed label column) even where Word would autofit.
    full_width(specs, longest, word, ncols)
  end
  tbl.colspecs = specs
  return tbl
end

local TABLES  -- the table pass (below); also walked into a measured table's cells

-- A table without measurements from Python: measure its cells (a table nested in
-- one, possible in a grid table, is seen to first).
local function Table(tbl)
  tbl = tbl:walk(TABLES)
  if #tbl.colspecs < 2 then return tbl end
  local longest, word = measure(tbl, #tbl.colspecs)
  return set_widths(tbl, longest, word) or tbl
end

-- The figures of a marker attribute, if there is one per column.
local function figures(text, ncols)
  local out = {}
  for x in (text or ""):gmatch("%S+") do
    local v = tonumber(x)
    if v == nil then return nil end
    table.insert(out, v)
  end
  if #out ~= ncols then return nil end
  return out
end

local function is_marker(b)
  return b.t == "Div" and #b.content == 0 and b.classes:includes("rr-tabell")
end

-- A marker div applies to the table right after it and is dropped (it must leave
-- no block behind in either output); a table without one is measured.
local function Blocks(blocks)
  local out, changed = pandoc.Blocks({}), false
  local i = 1
  while i <= #blocks do
    local b = blocks[i]
    if is_marker(b) then
      changed = true
      local tbl = blocks[i + 1]
      if tbl and tbl.t == "Table" then
        local ncols = #tbl.colspecs
        local longest = figures(b.attributes.langst, ncols)
        local word = figures(b.attributes.ord, ncols)
        if ncols >= 2 and longest and word then
          out:insert(set_widths(tbl, longest, word) or tbl)
        else
          out:insert(Table(tbl))
        end
        i = i + 1
      end
    elseif b.t == "Table" then
      changed = true
      out:insert(Table(b))
    else
      out:insert(b)
    end
    i = i + 1
  end
  if changed then return out end
end

-- Top down, and never into a table's cells (a call per cell list cost ~0.02 s a run):
-- the tables are handled from the block list that holds them.
TABLES = { traverse = "topdown", Blocks = Blocks, Table = function() return nil, false end }

-- HTML: a table's first column names its rows (a post, a metric): <th scope="row">
-- (render/html.py adds the scope), so a screen reader says which row a figure is in.
local function RowHeads(tbl)
  if not FORMAT:match("html") or #tbl.colspecs < 2 then return nil end
  for _, body in ipairs(tbl.bodies) do body.row_head_columns = 1 end
  return tbl
end

-- A table that fits on a page is kept on one (typst): wrapped in an unbreakable
-- block, together with the footnotes of its rr-tabellblock.
local KEEP_ROWS = 15
local KEEP_OPEN = "#block(breakable: false, width: 100%)["

local function rows_of(tbl)
  local n = #tbl.head.rows
  for _, body in ipairs(tbl.bodies) do n = n + #body.body end
  return n + #tbl.foot.rows
end

local function KeepTable(tbl)
  if FORMAT ~= "typst" or rows_of(tbl) > KEEP_ROWS + 1 then return nil end
  return { pandoc.RawBlock("typst", KEEP_OPEN), tbl, pandoc.RawBlock("typst", "]") }
end

local function KeepBlock(div)
  if FORMAT ~= "typst" or not div.classes:includes("rr-tabellblock") then return nil end
  local c = div.content
  -- the table inside was kept on its page: keep its footnotes with it
  if #c >= 3 and c[1].t == "RawBlock" and c[1].text == KEEP_OPEN and c[3].t == "RawBlock" and c[3].text == "]" then
    c:remove(3)
    c:insert(pandoc.RawBlock("typst", "]"))
    div.content = c
    return div
  end
end

-- A heading's short introduction stays with the table after it (typst): the heading is
-- sticky (rapport.typ), but its paragraphs were not, so "Resultaträkning" and its text
-- could end a page and the table start the next. Up to INTRO_PARAS paragraphs of at
-- most INTRO_CHARS characters in all, between a heading and a table (kept or not),
-- are set in a sticky block; a longer introduction may still part from its table.
-- The heading sticks only to the block after it: a one-line paragraph there (of at most
-- LEAD_CHARS characters: a line of 10 pt text holds about 95) would end a page with the
-- heading while its text started the next, so it is made sticky too (typst chains them).
local INTRO_PARAS = 3
local INTRO_CHARS = 900
local LEAD_CHARS = 100

local function is_table(b)
  return b ~= nil and (b.t == "Table" or (b.t == "RawBlock" and b.text == KEEP_OPEN)
    or (b.t == "Div" and b.classes:includes("rr-tabellblock")))
end

local function StickIntro(blocks)
  if FORMAT ~= "typst" then return nil end
  local out, changed, i = pandoc.Blocks({}), false, 1
  while i <= #blocks do
    local b = blocks[i]
    out:insert(b)
    i = i + 1
    if b.t == "Header" then
      local j, chars_ = i, 0
      while j <= #blocks and blocks[j].t == "Para" and j - i < INTRO_PARAS do
        chars_ = chars_ + chars(stringify(blocks[j]))
        j = j + 1
      end
      if j > i and chars_ <= INTRO_CHARS and is_table(blocks[j]) then
        out:insert(pandoc.RawBlock("typst", "#block(sticky: true)["))
        for k = i, j - 1 do out:insert(blocks[k]) end
        out:insert(pandoc.RawBlock("typst", "]"))
        i, changed = j, true
      elseif j > i and blocks[i + 1] ~= nil and chars(stringify(blocks[i])) <= LEAD_CHARS then
        -- a one-line lead ("Periodavvikelse 3 mkr, ...") stays with the text after it
        out:insert(pandoc.RawBlock("typst", "#block(sticky: true)["))
        out:insert(blocks[i])
        out:insert(pandoc.RawBlock("typst", "]"))
        i, changed = i + 1, true
      end
    end
  end
  if changed then return out end
end

-- HTML: no widths to measure (the browser lays the table out) and nothing to keep on
-- a page; the marker divs are only dropped. This pass list costs about half of the
-- full one, which matters for `rapport preview` (docs/performance.md).
local function drop_markers(blocks)
  local out, changed = pandoc.Blocks({}), false
  for _, b in ipairs(blocks) do
    if is_marker(b) then changed = true else out:insert(b) end
  end
  if changed then return out end
end

-- A figure with its unit is never broken (typst): "131 kWh/m²" would break after the
-- slash and "2 080 kr/invånare" be hyphenated, so a Str holding a figure tied to its
-- unit by a no-break space (numbers.py, tie above) is set in a box, in running text
-- and table cells (not in headings: a box would drop out of the PDF's bookmarks).
-- Thousands groups alone ("1 045") and "87,6 %" need none: a no-break space holds.
local function BoxFigure(el)
  if el.text:find("%d\u{A0}[^%d]") and not el.text:find("%d\u{A0}%%[%.,;:!%?%)]*$") then
    return { pandoc.RawInline("typst", "#box["), el, pandoc.RawInline("typst", "]") }
  end
end

local function BoxBlock(el)
  if FORMAT ~= "typst" then return nil end
  return el:walk({ Str = BoxFigure })
end

-- Every pass is a walk of the whole document through Lua (most of the filter's cost),
-- so the HTML's are one walk: the guard (inlines first, as pandoc walks them), the
-- ties, the status spans, the row headers and the markers, after the allow-list.
local HTML = { RawBlock = drop, RawInline = drop, Image = guard_image, Link = guard_link,
               Span = function(el) return Span(el) end, Para = TieBlock, Plain = TieBlock, Header = TieBlock,
               Table = RowHeads, Blocks = drop_markers }

if FORMAT:match("html") then
  return { { Pandoc = function(doc)
    read_allowed(doc.meta)
    return doc:walk(HTML)
  end } }
end

-- Tables first: a table without measurements is measured on its status spans before
-- those become raw typst. The guard runs before anything of ours adds raw blocks.
return { { Meta = read_allowed }, GUARD, { Meta = Meta, Pandoc = Pandoc }, TABLES,
         { Para = TieBlock, Plain = TieBlock, Header = TieBlock }, { Span = Span, Image = Image },
         { Para = BoxBlock, Plain = BoxBlock }, { Table = KeepTable }, { Div = KeepBlock }, { Blocks = StickIntro } }
