frappe.ready(function () {
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
});
