// The report page's inline script, as a string: the canvas timeline (zoom, pan, hover,
// keyboard explorer), jump links from checker sections, and the copy button. Plain
// ES2017 with no dependencies, so the page works from file:// with no network.
// The timeline draws on a canvas because 100,000 SVG elements would not open fast.

export const pageScript = `
(function () {
  'use strict';
  var statusNames = ['ok', 'fail', 'info'];
  var statusColours = ['#0072B2', '#CC79A7', '#E69F00'];
  var violationColour = '#D55E00';

  function copyButtons() {
    document.querySelectorAll('button.copy').forEach(function (button) {
      button.addEventListener('click', function () {
        var target = document.getElementById(button.getAttribute('data-target'));
        var text = target ? target.textContent : '';
        var done = function () { button.textContent = 'copied'; setTimeout(function () { button.textContent = 'copy'; }, 1500); };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(target); done(); });
        } else { fallbackCopy(target); done(); }
      });
    });
  }
  function fallbackCopy(element) {
    if (!element) return;
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try { document.execCommand('copy'); } catch (error) { /* the text stays selected for the user to copy */ }
  }

  function timeline() {
    var source = document.getElementById('timeline-data');
    var canvas = document.getElementById('timeline');
    if (!source || !canvas) return;
    var data = JSON.parse(source.textContent);
    var count = data.start.length;
    var tooltip = document.getElementById('tooltip');
    var details = document.getElementById('selection');
    var labelWidth = 70, axisHeight = 22, bandLabelHeight = 14;
    var rows = Math.max(1, data.processes.length);
    var rowHeight = Math.max(2, Math.min(18, Math.floor(480 / rows)));
    var view = { start: 0, end: data.spanEnd };
    var selected = -1;
    var highlightOf = {};
    data.highlights.forEach(function (h) { highlightOf[h.operation] = h.reason; });
    var violationOrder = data.highlights.map(function (h) { return h.operation; }).sort(function (a, b) { return data.start[a] - data.start[b]; });
    var byCallIndex = {};
    var byRow = [];
    for (var r = 0; r < rows; r++) byRow.push([]);
    for (var i = 0; i < count; i++) { byRow[data.row[i]].push(i); byCallIndex[data.callIndex[i]] = i; }
    byRow.forEach(function (list) { list.sort(function (a, b) { return data.start[a] - data.start[b]; }); });
    var drawGroups = [];
    [0, 1, 2].forEach(function (status) {
      drawGroups.push({ status: status, alpha: 1, operations: [] }, { status: status, alpha: 0.45, operations: [] });
    });
    for (var g = 0; g < count; g++) drawGroups[data.status[g] * 2 + (data.end[g] < 0 ? 1 : 0)].operations.push(g);

    function endOf(op) { return data.end[op] < 0 ? data.spanEnd : data.end[op]; }
    function width() { return canvas.clientWidth || 900; }
    function height() { return bandLabelHeight + rows * rowHeight + axisHeight; }
    function x(time) { return labelWidth + (time - view.start) / (view.end - view.start) * (width() - labelWidth - 8); }
    function timeAt(px) { return view.start + (px - labelWidth) / (width() - labelWidth - 8) * (view.end - view.start); }
    function ms(time) { return time * data.msPerTimeUnit; }
    function formatMs(value) { return value >= 1000 ? (value / 1000).toFixed(3) + ' s' : value.toFixed(value < 10 ? 3 : 1) + ' ms'; }

    function draw() {
      var ratio = window.devicePixelRatio || 1;
      var w = width(), h = height();
      canvas.width = Math.floor(w * ratio); canvas.height = Math.floor(h * ratio);
      canvas.style.height = h + 'px';
      var context = canvas.getContext('2d');
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.clearRect(0, 0, w, h);
      context.font = '11px sans-serif';
      var top = bandLabelHeight;
      data.faults.forEach(function (fault) {
        if (fault.end < view.start || fault.start > view.end) return;
        var x0 = Math.max(labelWidth, x(fault.start)), x1 = Math.min(w, Math.max(x0 + 2, x(fault.end)));
        context.fillStyle = 'rgba(120,120,120,0.18)';
        context.fillRect(x0, top, x1 - x0, rows * rowHeight);
        context.fillStyle = '#555';
        context.fillText(fault.name, x0 + 2, 11);
      });
      for (var row = 0; row < rows; row++) {
        if (rowHeight >= 9) { context.fillStyle = '#333'; context.fillText('p' + data.processes[row], 4, top + row * rowHeight + rowHeight - 3); }
        if (row % 2 === 1) { context.fillStyle = 'rgba(0,0,0,0.03)'; context.fillRect(labelWidth, top + row * rowHeight, w, rowHeight); }
      }
      // One pass per colour: changing fillStyle per operation is what makes 100,000 bars slow.
      drawGroups.forEach(function (group) {
        context.globalAlpha = group.alpha;
        context.fillStyle = statusColours[group.status];
        group.operations.forEach(function (op) {
          var start = data.start[op], end = endOf(op);
          if (end < view.start || start > view.end) return;
          var x0 = Math.max(labelWidth, x(start)), x1 = Math.min(w, x(end));
          context.fillRect(x0, top + data.row[op] * rowHeight + 1, Math.max(1, x1 - x0), Math.max(1, rowHeight - 2));
        });
      });
      context.globalAlpha = 1;
      violationOrder.forEach(function (op) {
        var start = data.start[op], end = endOf(op);
        if (end < view.start || start > view.end) return;
        var x0 = Math.max(labelWidth, x(start)), x1 = Math.min(w, x(end)), y = top + data.row[op] * rowHeight;
        context.strokeStyle = violationColour; context.lineWidth = 2.5;
        context.strokeRect(x0 - 1, y - 1, Math.max(3, x1 - x0 + 2), rowHeight + 1);
        context.fillStyle = violationColour;
        context.beginPath(); context.moveTo(x0 - 5, top); context.lineTo(x0 + 5, top); context.lineTo(x0, top + 7); context.fill();
      });
      if (selected >= 0) {
        var sx0 = Math.max(labelWidth, x(data.start[selected])), sx1 = Math.min(w, x(endOf(selected)));
        context.strokeStyle = '#000'; context.lineWidth = 2; context.setLineDash([4, 2]);
        context.strokeRect(sx0 - 3, top + data.row[selected] * rowHeight - 3, Math.max(6, sx1 - sx0 + 6), rowHeight + 5);
        context.setLineDash([]);
      }
      context.fillStyle = '#333'; context.strokeStyle = '#444'; context.lineWidth = 1;
      var axisY = top + rows * rowHeight;
      context.beginPath(); context.moveTo(labelWidth, axisY); context.lineTo(w, axisY); context.stroke();
      for (var tick = 0; tick <= 6; tick++) {
        var time = view.start + (view.end - view.start) * tick / 6, tx = x(time);
        context.fillText(formatMs(ms(time)), Math.min(tx, w - 60), axisY + 14);
      }
      var zoomLabel = document.getElementById('zoom-level');
      if (zoomLabel) zoomLabel.textContent = 'showing ' + formatMs(ms(view.start)) + ' – ' + formatMs(ms(view.end));
    }

    function describe(op) {
      var key = data.key[op] < 0 ? '' : ' ' + data.keys[data.key[op]];
      var lines = [
        'process ' + data.processes[data.row[op]] + ': ' + data.functions[data.fn[op]] + key + ' → ' + statusNames[data.status[op]],
        'history index ' + data.callIndex[op] + ', invoked at ' + formatMs(ms(data.start[op])) +
          (data.end[op] < 0 ? ', never completed' : ', took ' + formatMs(ms(data.end[op] - data.start[op]))),
      ];
      if (data.detail[op] !== null) lines.push(data.detail[op]);
      if (highlightOf[op] !== undefined) lines.push('⚠ ' + highlightOf[op]);
      return lines;
    }
    function showLines(element, lines) {
      element.textContent = '';
      lines.forEach(function (line) { var div = document.createElement('div'); div.textContent = line; element.appendChild(div); });
    }
    function operationAt(px, py) {
      var row = Math.floor((py - bandLabelHeight) / rowHeight);
      if (row < 0 || row >= rows) return -1;
      var list = byRow[row], time = timeAt(px), slack = (view.end - view.start) / (width() - labelWidth) * 3;
      var low = 0, high = list.length - 1, found = -1;
      while (low <= high) { var mid = (low + high) >> 1; if (data.start[list[mid]] <= time + slack) { found = mid; low = mid + 1; } else high = mid - 1; }
      if (found < 0) return -1;
      var op = list[found];
      return endOf(op) + slack >= time ? op : -1;
    }
    function select(op, centre) {
      selected = op;
      if (op >= 0 && centre) {
        var span = view.end - view.start, middle = (data.start[op] + endOf(op)) / 2;
        if (data.start[op] < view.start || endOf(op) > view.end) {
          span = Math.max(span, (endOf(op) - data.start[op]) * 1.2);
          view.start = middle - span / 2; view.end = middle + span / 2;
        }
      }
      if (details) showLines(details, op >= 0 ? describe(op) : ['nothing selected']);
      draw();
    }
    function zoom(factor, anchorTime) {
      var span = (view.end - view.start) * factor;
      span = Math.max(data.spanEnd / 1e7, Math.min(data.spanEnd * 1.05, span));
      var anchor = anchorTime === undefined ? (view.start + view.end) / 2 : anchorTime;
      var fraction = (anchor - view.start) / (view.end - view.start);
      view.start = anchor - fraction * span; view.end = view.start + span;
      draw();
    }
    function pan(fraction) { var shift = (view.end - view.start) * fraction; view.start += shift; view.end += shift; draw(); }
    function neighbour(op, direction) {
      var list = byRow[data.row[op]], position = list.indexOf(op) + direction;
      return position >= 0 && position < list.length ? list[position] : op;
    }
    function rowNeighbour(op, direction) {
      var row = data.row[op] + direction;
      while (row >= 0 && row < rows && byRow[row].length === 0) row += direction;
      if (row < 0 || row >= rows) return op;
      var best = byRow[row][0], time = data.start[op];
      byRow[row].forEach(function (candidate) { if (Math.abs(data.start[candidate] - time) < Math.abs(data.start[best] - time)) best = candidate; });
      return best;
    }
    function firstInView() {
      for (var op = 0; op < count; op++) if (endOf(op) >= view.start && data.start[op] <= view.end) return op;
      return count > 0 ? 0 : -1;
    }
    function violation(direction) {
      if (violationOrder.length === 0) return;
      var position = violationOrder.indexOf(selected);
      position = position < 0 ? (direction > 0 ? 0 : violationOrder.length - 1) : (position + direction + violationOrder.length) % violationOrder.length;
      select(violationOrder[position], true);
    }

    canvas.addEventListener('wheel', function (event) {
      event.preventDefault();
      var rect = canvas.getBoundingClientRect();
      zoom(event.deltaY < 0 ? 0.8 : 1.25, timeAt(event.clientX - rect.left));
    }, { passive: false });
    // Drag to pan; a press that moved more than a few pixels is a drag, not a click.
    var drag = null;
    canvas.addEventListener('mousedown', function (event) { drag = { x: event.clientX, start: view.start, end: view.end, moved: false }; });
    window.addEventListener('mouseup', function () { if (drag && !drag.moved) drag = null; });
    canvas.addEventListener('mousemove', function (event) {
      if (drag && event.buttons === 1) {
        var dx = event.clientX - drag.x;
        if (Math.abs(dx) > 3) drag.moved = true;
        if (drag.moved) {
          var shift = dx / (width() - labelWidth - 8) * (drag.end - drag.start);
          view.start = drag.start - shift; view.end = drag.end - shift;
          tooltip.hidden = true;
          draw();
          return;
        }
      }
      var rect = canvas.getBoundingClientRect();
      var op = operationAt(event.clientX - rect.left, event.clientY - rect.top);
      if (op < 0) { tooltip.hidden = true; return; }
      showLines(tooltip, describe(op));
      tooltip.hidden = false;
      tooltip.style.left = Math.min(window.innerWidth - 320, event.clientX + 12) + window.scrollX + 'px';
      tooltip.style.top = event.clientY + 14 + window.scrollY + 'px';
    });
    canvas.addEventListener('mouseleave', function () { tooltip.hidden = true; });
    canvas.addEventListener('click', function (event) {
      if (drag && drag.moved) { drag = null; return; }
      drag = null;
      var rect = canvas.getBoundingClientRect();
      select(operationAt(event.clientX - rect.left, event.clientY - rect.top), false);
    });
    canvas.addEventListener('keydown', function (event) {
      var handled = true;
      var current = selected >= 0 ? selected : firstInView();
      if (event.key === '+' || event.key === '=') zoom(0.8);
      else if (event.key === '-' || event.key === '_') zoom(1.25);
      else if (event.key === '0') { view.start = 0; view.end = data.spanEnd; draw(); }
      else if (event.key === 'n') violation(1);
      else if (event.key === 'p') violation(-1);
      else if (event.shiftKey && event.key === 'ArrowLeft') pan(-0.2);
      else if (event.shiftKey && event.key === 'ArrowRight') pan(0.2);
      else if (current < 0) handled = false;
      else if (event.key === 'ArrowLeft') select(selected < 0 ? current : neighbour(current, -1), true);
      else if (event.key === 'ArrowRight') select(selected < 0 ? current : neighbour(current, 1), true);
      else if (event.key === 'ArrowUp') select(rowNeighbour(current, -1), true);
      else if (event.key === 'ArrowDown') select(rowNeighbour(current, 1), true);
      else if (event.key === 'Escape') select(-1, false);
      else handled = false;
      if (handled) event.preventDefault();
    });
    var buttons = { 'zoom-in': function () { zoom(0.8); }, 'zoom-out': function () { zoom(1.25); },
      'zoom-reset': function () { view.start = 0; view.end = data.spanEnd; draw(); },
      'violation-next': function () { violation(1); }, 'violation-previous': function () { violation(-1); } };
    Object.keys(buttons).forEach(function (id) { var b = document.getElementById(id); if (b) b.addEventListener('click', buttons[id]); });
    function jumpTo(callIndex) {
      var op = byCallIndex[callIndex];
      if (op === undefined) return;
      var span = Math.max((endOf(op) - data.start[op]) * 20, data.spanEnd / 50);
      view.start = data.start[op] - span / 2; view.end = data.start[op] + span / 2;
      select(op, true);
      canvas.scrollIntoView({ block: 'center' });
      canvas.focus();
    }
    document.querySelectorAll('[data-call-index]').forEach(function (element) {
      var go = function () { jumpTo(Number(element.getAttribute('data-call-index'))); };
      element.addEventListener('click', go);
      element.addEventListener('keydown', function (event) { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); go(); } });
    });
    window.addEventListener('resize', draw);
    draw();
    // Read by bench:report to time the first draw of a large timeline.
    if (window.performance && performance.mark) performance.mark('timeline-first-draw');
    if (details) showLines(details, ['nothing selected — focus the timeline and use the arrow keys, or n / p for violations']);
  }

  try { copyButtons(); timeline(); }
  catch (error) {
    var box = document.getElementById('script-error');
    if (box) { box.hidden = false; box.textContent = 'The interactive timeline could not start: ' + error.message + '. Everything else on this page is static and complete.'; }
  }
})();
`;
