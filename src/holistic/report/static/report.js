// holistic report: table sorting, filters and the instance browser. Data is only ever put in the page
// through textContent (never innerHTML), so model outputs cannot inject markup or scripts.
"use strict";
(function () {
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function formatNumber(value) {
    if (typeof value !== "number") return String(value);
    if (Number.isNaN(value)) return "NaN";
    if (Number.isInteger(value) && Math.abs(value) >= 1000) return value.toLocaleString("en-US");
    if (Number.isInteger(value)) return String(value);
    return value.toFixed(3);
  }

  // ---- Sortable tables -------------------------------------------------------------------------
  function sortKey(cell) {
    if (!cell) return { num: null, text: "" };
    const raw = cell.getAttribute("data-value");
    const num = raw === null || raw === "" ? null : parseFloat(raw);
    return { num: Number.isNaN(num) ? null : num, text: cell.textContent.trim().toLowerCase() };
  }

  function sortBy(table, th, column) {
    const descending = th.getAttribute("aria-sort") !== "descending";
    table.querySelectorAll("thead th").forEach((other) => other.setAttribute("aria-sort", "none"));
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    rows.sort((a, b) => {
      const x = sortKey(a.cells[column]);
      const y = sortKey(b.cells[column]);
      let order;
      if (x.num !== null || y.num !== null) {
        if (x.num === null) return 1; // empty cells last either way
        if (y.num === null) return -1;
        order = x.num - y.num;
      } else {
        order = x.text.localeCompare(y.text);
      }
      return descending ? -order : order;
    });
    rows.forEach((row) => body.appendChild(row));
  }

  document.querySelectorAll("table.sortable").forEach((table) => {
    table.querySelectorAll("thead th").forEach((th, column) => {
      th.addEventListener("click", () => sortBy(table, th, column));
      th.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortBy(table, th, column);
        }
      });
    });
  });

  document.querySelectorAll("input.toggle-desc").forEach((box) => {
    box.addEventListener("change", () => box.closest(".table-block").classList.toggle("show-desc", box.checked));
  });

  // ---- Filters (runs page, metrics of a run) ---------------------------------------------------
  function matcher(query) {
    const text = query.trim();
    if (!text) return () => true;
    try {
      const pattern = new RegExp(text, "i");
      return (value) => pattern.test(value);
    } catch (error) {
      const words = text.toLowerCase().split(/\s+/);
      return (value) => words.every((word) => value.toLowerCase().includes(word));
    }
  }

  function applyFilter(input) {
    const table = document.getElementById(input.getAttribute("data-target"));
    if (!table) return;
    const test = matcher(input.value);
    let shown = 0;
    Array.from(table.tBodies[0].rows).forEach((row) => {
      const visible = test(row.textContent);
      row.hidden = !visible;
      if (visible) shown += 1;
    });
    const note = input.parentElement.querySelector(".filter-note");
    if (note) note.textContent = shown + " shown";
  }

  document.querySelectorAll("input.filter").forEach((input) => {
    input.addEventListener("input", () => applyFilter(input));
  });

  // runs.html#runs=<JSON list>: the runs behind one leaderboard cell.
  const runsTable = document.getElementById("runs-table");
  if (runsTable && location.hash.startsWith("#runs=")) {
    try {
      const wanted = new Set(JSON.parse(decodeURIComponent(location.hash.slice(6))));
      Array.from(runsTable.tBodies[0].rows).forEach((row) => {
        row.hidden = !wanted.has(row.getAttribute("data-run"));
      });
      const note = document.querySelector(".filter-note");
      if (note) note.textContent = "showing the " + wanted.size + " runs of one table cell";
    } catch (error) {
      /* a malformed hash shows every run */
    }
  }

  // ---- Instance browser ------------------------------------------------------------------------
  const browser = document.getElementById("instances");
  const state = { index: null, files: {}, current: -1, target: null };

  function loadScript(src, onError) {
    const script = document.createElement("script");
    script.src = src;
    script.onerror = onError;
    document.head.appendChild(script);
  }

  function recordKey(record) {
    return record.id + "\u0000" + (record.perturbation || "");
  }

  function fileOfPage(page) {
    return Math.floor((page * state.index.pageSize) / state.index.fileSize);
  }

  window.HOLISTIC = {
    // One data file: `records` of up to fileSize instances for one trial (called by t<trial>-f<file>.js).
    data(trial, file, records) {
      const entry = (state.files[file] = state.files[file] || { trials: {}, loaded: new Set() });
      const byKey = (entry.trials[trial] = entry.trials[trial] || new Map());
      records.forEach((record) => {
        const key = recordKey(record);
        const known = byKey.get(key);
        if (known) known.predictions.push(...record.predictions);
        else byKey.set(key, record);
      });
      entry.loaded.add(trial);
      if (state.current >= 0 && fileOfPage(state.current) === file && entry.loaded.size === state.index.trials.length) {
        render(state.current);
      }
    },
  };

  function pageOfInstance(id) {
    const ids = state.index.ids;
    for (let i = 0; i < ids.length; i += 1) {
      if (ids[i][0] === id) return Math.floor(i / state.index.pageSize);
    }
    return -1;
  }

  function gotoInstance(id) {
    const page = pageOfInstance(id);
    const list = browser.querySelector(".instance-list");
    if (page < 0) {
      list.textContent = "No instance with id " + id + ".";
      return;
    }
    state.target = id;
    showPage(page);
  }

  function showPage(page) {
    state.current = page;
    const label = browser.querySelector(".page-label");
    label.textContent = "Page " + (page + 1) + " of " + state.index.pages + " (" + state.index.ids.length + " instances)";
    browser.querySelector(".prev").disabled = page <= 0;
    browser.querySelector(".next").disabled = page >= state.index.pages - 1;
    const file = fileOfPage(page);
    const entry = state.files[file];
    if (entry && entry.loaded.size === state.index.trials.length) {
      render(page);
      return;
    }
    browser.querySelector(".instance-list").textContent = "Loading…";
    state.index.trials.forEach((trial) => {
      if (entry && entry.loaded.has(trial)) return;
      const src = browser.getAttribute("data-base") + "t" + trial + "-f" + file + ".js";
      loadScript(src, () => {
        browser.querySelector(".instance-list").textContent = "Could not load " + src + ".";
      });
    });
  }

  function mainBadge(predictions) {
    const main = browser.getAttribute("data-main");
    const names = main === "quasi_exact_match" ? [main, "exact_match"] : [main];
    for (const prediction of predictions) {
      for (const name of names) {
        if (name && prediction.stats && typeof prediction.stats[name] === "number") {
          const value = prediction.stats[name];
          const badge = el("span", "badge", name + " " + formatNumber(value));
          if (value === 1) badge.classList.add("ok");
          else if (value === 0) badge.classList.add("bad");
          return badge;
        }
      }
    }
    return null;
  }

  function addField(parent, label, text, className) {
    parent.appendChild(el("div", "field", label));
    parent.appendChild(el("pre", className, text));
  }

  function renderPrediction(prediction) {
    const box = el("div", "prediction");
    let title = "Trial " + prediction.trial;
    if (prediction.reference_index !== undefined) {
      title += " · reference " + prediction.reference_index + (prediction.chosen ? " (chosen)" : "");
    }
    box.appendChild(el("h4", null, title));
    addField(box, "Completion", prediction.completion, "completion");
    if (prediction.completions) {
      const list = el("ol", "completions");
      prediction.completions.forEach((text) => list.appendChild(el("li", null, text)));
      box.appendChild(el("div", "field", "All completions"));
      box.appendChild(list);
    }
    if (prediction.mapped !== undefined) addField(box, "Mapped output", prediction.mapped, "mapped");
    if (prediction.error) box.appendChild(el("div", "error", "Error: " + prediction.error));
    const details = el("details", "prompt-box");
    details.appendChild(
      el("summary", null, "Prompt (" + prediction.prompt.length + " characters" + (prediction.truncated ? ", truncated" : "") + ")")
    );
    details.appendChild(el("pre", "prompt", prediction.prompt));
    box.appendChild(details);
    const names = Object.keys(prediction.stats || {});
    if (names.length) {
      const table = el("table", "inst-stats");
      const body = el("tbody");
      names.sort().forEach((name) => {
        const row = el("tr");
        row.appendChild(el("th", null, name));
        row.appendChild(el("td", "num", formatNumber(prediction.stats[name])));
        body.appendChild(row);
      });
      if (prediction.logprob !== undefined) {
        const row = el("tr");
        row.appendChild(el("th", null, "logprob (completion)"));
        row.appendChild(el("td", "num", formatNumber(prediction.logprob)));
        body.appendChild(row);
      }
      table.appendChild(body);
      box.appendChild(el("div", "field", "Per-instance stats"));
      box.appendChild(table);
    }
    return box;
  }

  function setOpen(card, open) {
    card.querySelector(".instance-head").setAttribute("aria-expanded", String(open));
    card.querySelector(".instance-body").hidden = !open;
  }

  function render(page) {
    const file = fileOfPage(page);
    const entry = state.files[file];
    const trials = state.index.trials;
    const start = page * state.index.pageSize - file * state.index.fileSize;
    const first = Array.from((entry.trials[trials[0]] || new Map()).entries()).slice(start, start + state.index.pageSize);
    const list = browser.querySelector(".instance-list");
    list.textContent = "";
    const expandAll = browser.querySelector(".expand-all").checked;
    first.forEach(([key, record]) => {
      const predictions = [];
      trials.forEach((trial) => {
        const other = (entry.trials[trial] || new Map()).get(key);
        if (other) predictions.push(...other.predictions);
      });
      const card = el("div", "instance");
      card.setAttribute("data-id", record.id);
      const head = el("button", "instance-head");
      head.type = "button";
      head.appendChild(el("span", "iid", record.id));
      head.appendChild(el("span", "split", record.split + (record.sub_split ? " / " + record.sub_split : "")));
      if (record.perturbation) head.appendChild(el("span", "pert", record.perturbation));
      const badge = mainBadge(predictions);
      if (badge) head.appendChild(badge);
      head.appendChild(el("span", "excerpt", (record.input || "").slice(0, 200)));
      const body = el("div", "instance-body");
      addField(body, "Input", record.input, "input");
      body.appendChild(el("div", "field", "References"));
      const refs = el("ul", "refs");
      (record.references || []).forEach((reference) => {
        const item = el("li", reference.tags.includes("correct") ? "correct" : null, reference.text);
        reference.tags.forEach((tag) => item.appendChild(el("span", "tag", tag)));
        refs.appendChild(item);
      });
      body.appendChild(refs);
      predictions.forEach((prediction) => body.appendChild(renderPrediction(prediction)));
      head.addEventListener("click", () => {
        setOpen(card, body.hidden);
        history.replaceState(null, "", "#instance=" + encodeURIComponent(record.id));
      });
      card.appendChild(head);
      card.appendChild(body);
      setOpen(card, expandAll);
      list.appendChild(card);
      if (state.target !== null && record.id === state.target) {
        card.classList.add("target");
        setOpen(card, true);
        card.scrollIntoView({ block: "start" });
      }
    });
    state.target = null;
  }

  if (browser) {
    browser.querySelector(".prev").addEventListener("click", () => {
      showPage(state.current - 1);
      history.replaceState(null, "", "#page=" + (state.current + 1));
    });
    browser.querySelector(".next").addEventListener("click", () => {
      showPage(state.current + 1);
      history.replaceState(null, "", "#page=" + (state.current + 1));
    });
    browser.querySelector(".goto").addEventListener("keydown", (event) => {
      if (event.key === "Enter") gotoInstance(event.target.value.trim());
    });
    browser.querySelector(".expand-all").addEventListener("change", (event) => {
      browser.querySelectorAll(".instance").forEach((card) => setOpen(card, event.target.checked));
    });
    const index = JSON.parse(document.getElementById("run-index").textContent);
    state.index = index;
    const hash = new URLSearchParams(location.hash.slice(1));
    if (hash.has("instance")) {
      gotoInstance(hash.get("instance"));
    } else {
      const page = parseInt(hash.get("page") || "1", 10) - 1;
      showPage(Math.max(0, Math.min(index.pages - 1, Number.isNaN(page) ? 0 : page)));
    }
  }
})();
