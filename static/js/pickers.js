// Long selects marked data-picker become searchable (Tom Select). Without script they stay plain selects that
// submit the same values, so the form works either way. The label keeps naming the control: Tom Select points it
// at its own input and labels its list with it.
(function () {
  if (typeof window.TomSelect !== "function") return;

  function settings(select) {
    const multiple = select.multiple;
    return {
      create: false,
      maxOptions: null, // every zone, not the first fifty
      allowEmptyOption: !select.required,
      plugins: multiple ? { remove_button: { title: select.dataset.removeLabel || "Remove" } } : {},
      // Search both the label and the value: "new york" and "America/New_York" both find the zone.
      searchField: ["text", "value"],
      closeAfterSelect: !multiple,
      clearAfterSelect: true, // after picking one language, typing starts a new search
      hidePlaceholder: true,
    };
  }

  document.querySelectorAll("select[data-picker]").forEach(function (select) {
    const describedBy = select.getAttribute("aria-describedby");
    const picker = new window.TomSelect(select, settings(select));
    if (describedBy) picker.control_input.setAttribute("aria-describedby", describedBy);
    // The select stays in the page to be submitted; the picker's own input is the one control people use.
    select.setAttribute("aria-hidden", "true");
  });
})();
