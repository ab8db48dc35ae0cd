/* digimotor site: sort and filter every table of the page, offline (no library, no CDN).
   A click on a column heading sorts the rows by that column (again: the other way); numbers are
   read as written on the site (1 234,5 · −3 · 12 % · ".." withheld, sorted last). Tables with
   more than a few rows get a filter box that hides the rows not containing the text typed. */
(function () {
  'use strict';
  var sv = (document.documentElement.lang || 'sv') !== 'en';
  var FILTER = sv ? 'Filtrera tabellen' : 'Filter the table';
  var SORT = sv ? 'Sortera efter kolumnen' : 'Sort by this column';

  function number(text) {
    var t = text.replace(/[\s\u00a0\u202f]/g, '').replace(/\u2212/g, '-').replace(/%$/, '');
    if (!sv && /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
    if (/^-?\d+(,\d+)?$/.test(t)) return parseFloat(t.replace(',', '.'));
    if (/^-?\d*\.?\d+(e-?\d+)?$/i.test(t)) return parseFloat(t);
    return null;
  }

  function cellsOf(row) { return Array.prototype.filter.call(row.children, function (c) { return /^T[DH]$/.test(c.tagName); }); }

  function sortable(table) {
    var head = table.tHead, body = table.tBodies[0];
    if (!head || !body || !head.rows.length || body.rows.length < 2) return;
    var headings = cellsOf(head.rows[head.rows.length - 1]);
    var width = cellsOf(body.rows[0]).length;
    if (headings.length !== width) return;  // headings spanning columns: no safe column index
    headings.forEach(function (th, column) {
      th.classList.add('dm-sortable');
      th.setAttribute('tabindex', '0');
      th.setAttribute('title', SORT);
      function sort() {
        var up = th.getAttribute('aria-sort') !== 'ascending';
        headings.forEach(function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
        var rows = Array.prototype.slice.call(body.rows);
        var keyed = rows.map(function (row, i) {
          var cell = cellsOf(row)[column], text = cell ? cell.textContent.trim() : '';
          return {row: row, i: i, text: text, num: number(text), empty: text === '' || text === '..' || text === '–'};
        });
        var numeric = keyed.every(function (k) { return k.empty || k.num !== null; });
        keyed.sort(function (a, b) {
          if (a.empty !== b.empty) return a.empty ? 1 : -1;
          var d = numeric ? a.num - b.num : a.text.localeCompare(b.text, sv ? 'sv' : 'en', {numeric: true});
          if (!up) d = -d;
          return d || a.i - b.i;
        });
        keyed.forEach(function (k) { body.appendChild(k.row); });
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
    });
  }

  function filterable(table) {
    var body = table.tBodies[0];
    if (!body || body.rows.length < 6) return;
    var input = document.createElement('input');
    input.type = 'search';
    input.className = 'dm-filter';
    input.placeholder = FILTER;
    input.setAttribute('aria-label', FILTER);
    input.addEventListener('input', function () {
      var q = input.value.trim().toLocaleLowerCase();
      Array.prototype.forEach.call(table.tBodies, function (tb) {
        Array.prototype.forEach.call(tb.rows, function (row) {
          row.hidden = q !== '' && row.textContent.toLocaleLowerCase().indexOf(q) < 0;
        });
      });
    });
    table.parentNode.insertBefore(input, table);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('main table'), function (table) {
      if (table.classList.contains('dm-plain')) return;
      sortable(table);
      filterable(table);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
}());
