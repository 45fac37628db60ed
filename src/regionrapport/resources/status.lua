-- Traffic-light spans: [● Målet uppfyllt]{.status-gron}
-- DOCX: a character style "Status gron" (colour in the reference document).
-- Typst: coloured text; the colour comes from the document metadata (statusfarger),
-- so a region's own colours need no code. The word and symbol stay in both.
local colours = {}

local function stringify(v)
  return pandoc.utils.stringify(v)
end

function Meta(meta)
  if meta.statusfarger then
    for k, v in pairs(meta.statusfarger) do
      colours[k] = stringify(v)
    end
  end
end

function Span(el)
  for _, cls in ipairs(el.classes) do
    local key = cls:match("^status%-(.+)$")
    if key then
      if FORMAT == "docx" then
        el.attributes["custom-style"] = "Status " .. key
        return el
      elseif FORMAT == "typst" then
        local colour = colours[key] or "#000000"
        local out = { pandoc.RawInline("typst", '#text(fill: rgb("' .. colour .. '"), weight: "bold")[') }
        for _, x in ipairs(el.content) do table.insert(out, x) end
        table.insert(out, pandoc.RawInline("typst", "]"))
        return out
      end
    end
  end
end

return { { Meta = Meta }, { Span = Span } }
