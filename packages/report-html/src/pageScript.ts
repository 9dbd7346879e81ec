// The page's own script (plain JS, no framework): reads the JSON blob, draws every chart with
// lightweight-charts, makes the trade tables sortable, and publishes `window.__btReport`, a summary of
// what it actually handed to the library (markers counted from the markers plugin itself), so a test
// in a browser can check the page honestly. Kept as text: it runs in the browser, not in Node.

/** The script text (an IIFE); expects `window.LightweightCharts` and `#bt-report-data`. */
export const PAGE_SCRIPT = `(function () {
  "use strict";
  var summary = { ready: false, charts: [], markers: { total: 0, perRun: {} }, trades: 0, tradesCharted: 0, errors: [] };
  window.__btReport = summary;
  var blob = document.getElementById("bt-report-data");
  var data = JSON.parse(blob.textContent || "null");
  var LC = window.LightweightCharts;

  function fail(where, error) {
    var message = where + ": " + (error && error.message ? error.message : String(error));
    summary.errors.push(message);
    console.error("bt report: " + message);
  }

  function percentFormat() {
    return { type: "custom", minMove: 0.01, formatter: function (value) { return value.toFixed(2) + "%"; } };
  }

  function moneyFormat() {
    return { type: "price", precision: 2, minMove: 0.01 };
  }

  function makeChart(id, kind) {
    var element = document.getElementById(id);
    if (!element) throw new Error("no element #" + id);
    var chart = LC.createChart(element, {
      autoSize: true,
      layout: { background: { type: "solid", color: "#ffffff" }, textColor: "#1f2937", fontSize: 11 },
      grid: { vertLines: { color: "#eef0f3" }, horzLines: { color: "#eef0f3" } },
      // A small minimum bar spacing lets fitContent show every point of a long run (default 0.5 px).
      timeScale: { timeVisible: true, secondsVisible: false, borderColor: "#d1d5db", minBarSpacing: 0.01 },
      rightPriceScale: { borderColor: "#d1d5db" },
      crosshair: { mode: 0 }
    });
    var record = { id: id, kind: kind, series: 0, points: 0 };
    summary.charts.push(record);
    element.setAttribute("data-bt-drawn", "true");
    return {
      chart: chart,
      add: function (type, options, points) {
        var series = chart.addSeries(type, options);
        series.setData(points);
        record.series += 1;
        record.points += points.length;
        return series;
      },
      // Fit now and again once autoSize has laid the chart out (a fit before that uses the wrong width).
      done: function () {
        chart.timeScale().fitContent();
        requestAnimationFrame(function () { chart.timeScale().fitContent(); });
      }
    };
  }

  function linePoints(points) {
    return points.map(function (point) { return { time: point.time, value: point.value }; });
  }

  function drawEquity(id, equity, drawdown, rgb) {
    var equityChart = makeChart(id + "-equity", "equity");
    equityChart.add(LC.AreaSeries, {
      lineColor: "rgb(" + rgb + ")", topColor: "rgba(" + rgb + ",0.25)", bottomColor: "rgba(" + rgb + ",0.02)", lineWidth: 2,
      priceFormat: moneyFormat(), title: "Equity"
    }, linePoints(equity));
    equityChart.done();
    var drawdownChart = makeChart(id + "-drawdown", "drawdown");
    drawdownChart.add(LC.AreaSeries, {
      lineColor: "rgb(220,38,38)", topColor: "rgba(220,38,38,0.02)", bottomColor: "rgba(220,38,38,0.35)", lineWidth: 1,
      invertFilledArea: true, priceFormat: percentFormat(), title: "Drawdown"
    }, linePoints(drawdown));
    drawdownChart.done();
  }

  function drawRun(run) {
    summary.trades += run.tradeCount;
    if (run.candles) {
      summary.tradesCharted += run.tradeCount;
      var priceChart = makeChart(run.id + "-price", "price");
      var candles = run.candles;
      var bars = new Array(candles.time.length);
      for (var index = 0; index < bars.length; index++) {
        bars[index] = {
          time: candles.time[index], open: candles.open[index], high: candles.high[index],
          low: candles.low[index], close: candles.close[index]
        };
      }
      var minMove = Math.pow(10, -run.pricePrecision);
      var format = { type: "price", precision: run.pricePrecision, minMove: minMove };
      var candleSeries = priceChart.add(LC.CandlestickSeries, {
        upColor: "#16a34a", downColor: "#dc2626", borderVisible: false,
        wickUpColor: "#16a34a", wickDownColor: "#dc2626", priceFormat: format,
        // The last-price line across the whole chart would read like a level of a trade.
        priceLineVisible: false
      }, bars);
      var levelOptions = function (color) {
        return {
          color: color, lineWidth: 2, lineStyle: 2, priceFormat: format,
          lastValueVisible: false, priceLineVisible: false, crosshairMarkerVisible: false
        };
      };
      run.takeProfit.forEach(function (lane) {
        if (lane.length > 0) priceChart.add(LC.LineSeries, levelOptions("#15803d"), lane);
      });
      run.stopLoss.forEach(function (lane) {
        if (lane.length > 0) priceChart.add(LC.LineSeries, levelOptions("#b91c1c"), lane);
      });
      var plugin = LC.createSeriesMarkers(candleSeries, run.markers);
      // Count what the plugin holds, not what we meant to give it.
      var count = plugin.markers().length;
      summary.markers.perRun[run.id] = count;
      summary.markers.total += count;
      document.getElementById(run.id + "-price").setAttribute("data-bt-markers", String(count));
      priceChart.done();
    }
    if (run.equity && run.drawdown) drawEquity(run.id, run.equity, run.drawdown, "37,99,235");
  }

  function drawComparison(comparison) {
    if (comparison.series.length === 0) return;
    var overlay = makeChart("comparison-equity", "comparison");
    comparison.series.forEach(function (entry) {
      overlay.add(LC.LineSeries, {
        color: entry.color, lineWidth: 2, priceFormat: moneyFormat(), title: entry.name,
        lastValueVisible: false, priceLineVisible: false
      }, linePoints(entry.equity));
    });
    overlay.done();
  }

  function sortTable(table, header) {
    var column = Number(header.getAttribute("data-column"));
    var numeric = header.getAttribute("data-sort-type") === "number";
    var descending = header.getAttribute("aria-sort") === "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, index) {
      var raw = row.cells[column].getAttribute("data-sort") || "";
      return { row: row, index: index, empty: raw === "", key: numeric ? Number(raw) : raw.toLowerCase() };
    });
    rows.sort(function (left, right) {
      // Empty cells ("—") stay last in both directions; ties keep the current order.
      if (left.empty !== right.empty) return left.empty ? 1 : -1;
      var order = left.key < right.key ? -1 : left.key > right.key ? 1 : 0;
      return (descending ? -order : order) || left.index - right.index;
    });
    rows.forEach(function (item) { body.appendChild(item.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.setAttribute("aria-sort", "none"); });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header) {
      header.addEventListener("click", function () { sortTable(table, header); });
    });
  });

  if (!LC) {
    fail("charts", new Error("lightweight-charts did not load"));
  } else {
    data.runs.forEach(function (run) {
      try { drawRun(run); } catch (error) { fail(run.id, error); }
    });
    if (data.portfolio) {
      try { drawEquity("portfolio", data.portfolio.equity, data.portfolio.drawdown, "124,58,237"); }
      catch (error) { fail("portfolio", error); }
    }
    if (data.comparison) {
      try { drawComparison(data.comparison); } catch (error) { fail("comparison", error); }
    }
  }
  document.documentElement.setAttribute("data-bt-markers", String(summary.markers.total));
  summary.ready = true;
  document.documentElement.setAttribute("data-bt-ready", summary.errors.length === 0 ? "true" : "errors");
})();
`;
