frappe.ready(function () {
	// The web form page loads only the form's own texts into frappe._messages; complaint.py adds this script's.
	Object.assign(frappe._messages || (frappe._messages = {}), frappe.web_form_doc.script_messages || {});

	frappe.web_form.after_load = () => {
		// a logged-in customer: their own e-mail by default (the server fills it too when left empty)
		const user = frappe.session && frappe.session.user;
		if (user && user !== "Guest" && !frappe.web_form.get_value("contact_email")) {
			frappe.web_form.set_value("contact_email", user);
		}
	};

	frappe.web_form.validate = () => {
		const phone = frappe.web_form.get_value("contact_phone");
		const email = frappe.web_form.get_value("contact_email");
		if (!phone && !email) {
			frappe.msgprint(__("Give a phone number or an e-mail address so that we can contact you."));
			return false;
		}
		if ((frappe.web_form.get_value("claim_amount") || 0) < 0) {
			frappe.msgprint(__("The amount claimed cannot be negative."));
			return false;
		}
		return true;
	};

	// The success page names the complaint's reference (accept returns the new complaint), and a logged-in
	// customer gets the link to follow it under My Complaints.
	const show_success = frappe.web_form.handle_success.bind(frappe.web_form);
	frappe.web_form.handle_success = (data) => {
		show_success(data);
		if (!data || !data.name) return;
		const reference = frappe.utils.escape_html(data.name);
		$(".success-body .complaint-reference").remove();
		$("<p class='complaint-reference'></p>")
			.html(__("Your complaint reference is {0}.", [`<strong>${reference}</strong>`]))
			.appendTo(".success-body");
		const user = frappe.session && frappe.session.user;
		if (user && user !== "Guest") {
			$("<a class='btn btn-default btn-md complaint-follow'></a>")
				.attr("href", "/my-complaints/" + encodeURIComponent(data.name))
				.text(__("Follow it under My Complaints"))
				.appendTo(".success-footer");
		} else {
			$("<p class='text-muted'></p>")
				.text(__("Please quote it whenever you contact us."))
				.appendTo(".success-body");
		}
	};
});
